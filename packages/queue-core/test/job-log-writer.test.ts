import t, { type Test } from 'tap'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalJobLogStore } from '../src/job-log/local-store.js'
import { JobLogWriter, type JobLogTarget } from '../src/job-log/writer.js'
import { openLogsOf } from '../src/job-log/open-logs.js'
import type { JobLogDocument, JobLogStore } from '../src/job-log/types.js'

async function localStore(t: Test): Promise<LocalJobLogStore> {
  const dir = await mkdtemp(join(tmpdir(), 'fc-joblog-writer-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return new LocalJobLogStore({ dir, retention: false })
}

const target = (jobId: string, attempt = 1): JobLogTarget => ({
  jobId,
  queue: 'orchestrator',
  module_id: 'mod-hr-101',
  course_id: 'course-hr-2025',
  tenant: 'acme',
  attempt,
})

/** A clock that advances one second per reading, so timestamps are distinct and predictable. */
function clock(start = Date.parse('2025-12-12T00:00:00.000Z')) {
  let now = start
  return () => new Date((now += 1000) - 1000)
}

t.test('one attempt: the runbook document', async (t) => {
  const store = await localStore(t)
  const log = await JobLogWriter.open(store, target('job-w-1'), { now: clock() })
  log.entry('info', 'job_start', 'Job started for module mod-hr-101')
  log.entry('debug', 'stage_a', 'concepts extracted', { concepts: 4, usage: { inputTokens: 120, totalTokenCount: 180 } })
  log.rawOutput('stageA', { concepts: ['a', 'b'] })
  log.rawOutput('stageB', '{"cards":[]}')
  const written = await log.finish('completed', { result: { cards: [{ front: 'Q', back: 'A' }] } })
  t.same(written, {
    jobId: 'job-w-1',
    module_id: 'mod-hr-101',
    startedAt: '2025-12-12T00:00:00.000Z',
    completedAt: '2025-12-12T00:00:03.000Z',
    status: 'completed',
    entries: [
      { timestamp: '2025-12-12T00:00:01.000Z', level: 'info', step: 'job_start', message: 'Job started for module mod-hr-101', attempt: 1 },
      {
        timestamp: '2025-12-12T00:00:02.000Z',
        level: 'debug',
        step: 'stage_a',
        message: 'concepts extracted',
        attempt: 1,
        data: { concepts: 4, usage: { inputTokens: 120, totalTokenCount: 180 } },
      },
    ],
    rawOutputs: { stageA: { concepts: ['a', 'b'] }, stageB: '{"cards":[]}' },
    result: { cards: [{ front: 'Q', back: 'A' }] },
    attempt: 1,
    queue: 'orchestrator',
    course_id: 'course-hr-2025',
    tenant: 'acme',
    error: null,
  })
  t.same(await store.read('job-w-1'), written, 'what finish returns is what is stored')
})

t.test('retries append; re-running an attempt replaces its entries', async (t) => {
  const store = await localStore(t)
  const first = await JobLogWriter.open(store, target('job-w-retry', 1), { now: clock() })
  first.entry('info', 'job_start', 'try 1')
  first.rawOutput('stageA', 'first')
  await first.finish('failed', { error: new TypeError('LLM answered garbage') })
  const failed = await store.read('job-w-retry')
  t.equal(failed?.error, 'TypeError: LLM answered garbage')
  t.equal(failed?.status, 'failed')

  for (const run of ['a', 'b']) {
    const second = await JobLogWriter.open(store, target('job-w-retry', 2), { now: clock(Date.parse('2025-12-12T01:00:00.000Z')) })
    t.equal(second.previous?.attempt, run === 'a' ? 1 : 2, 'open() reads what earlier attempts wrote')
    second.entry('info', 'job_start', `try 2${run}`)
    second.entry('info', 'job_done', `done 2${run}`)
    await second.finish('completed', { result: { ok: true } })
  }
  const final = await store.read('job-w-retry')
  t.same(
    final?.entries.map((e) => `${e.attempt}:${e.message}`),
    ['1:try 1', '2:try 2b', '2:done 2b'],
  )
  t.equal(final?.startedAt, '2025-12-12T00:00:00.000Z', "startedAt is the first attempt's")
  t.equal(final?.completedAt, '2025-12-12T01:00:03.000Z')
  t.equal(final?.status, 'completed')
  t.equal(final?.error, null, "the failed attempt's error no longer describes the job")
  t.same(final?.rawOutputs, { stageA: 'first' }, 'raw outputs of earlier attempts stay unless replaced')
})

t.test('a stale attempt finishing late does not overwrite the newer one', async (t) => {
  const store = await localStore(t)
  const stale = await JobLogWriter.open(store, target('job-w-stale', 1))
  stale.entry('info', 'step', 'stalled worker still running')
  const fresh = await JobLogWriter.open(store, target('job-w-stale', 2))
  fresh.entry('info', 'step', 'new worker')
  await fresh.finish('completed', { result: { cards: 2 } })
  await stale.finish('failed', { error: 'lock lost' })
  const final = await store.read('job-w-stale')
  t.equal(final?.status, 'completed')
  t.equal(final?.attempt, 2)
  t.same(final?.result, { cards: 2 })
  t.same(
    final?.entries.map((e) => e.attempt),
    [1, 2],
    "both attempts' entries kept",
  )
})

t.test("flush makes a running job's log readable", async (t) => {
  const store = await localStore(t)
  const log = await JobLogWriter.open(store, target('job-w-flush'))
  log.entry('info', 'job_start', 'started')
  await log.flush()
  const running = await store.read('job-w-flush')
  t.equal(running?.status, 'running')
  t.equal(running?.completedAt, null)
  t.equal(running?.entries.length, 1)
  log.entry('info', 'job_done', 'done')
  await log.finish('completed')
  t.equal((await store.read('job-w-flush'))?.entries.length, 2, 'the flushed entries are not duplicated')
})

t.test('entries beyond the limit are counted, not kept', async (t) => {
  const store = await localStore(t)
  const log = await JobLogWriter.open(store, target('job-w-many'), { maxEntries: 3 })
  for (let i = 0; i < 10; i++) log.entry('debug', 'chunk', `chunk ${i}`)
  const written = await log.finish('completed')
  t.same(
    written.entries.map((e) => e.step),
    ['chunk', 'chunk', 'chunk', 'log_truncated'],
  )
  t.match(written.entries[3]?.message, /7 more entries of attempt 1 were dropped \(limit 3\)/)
})

t.test('a corrupt log is replaced, saying so', async (t) => {
  const store = await localStore(t)
  await writeFile(store.pathFor('job-w-corrupt'), 'garbage{')
  const log = await JobLogWriter.open(store, target('job-w-corrupt'))
  log.entry('info', 'job_start', 'started')
  await log.finish('completed')
  const final = await store.read('job-w-corrupt')
  t.same(
    final?.entries.map((e) => e.step),
    ['log_recovered', 'job_start'],
  )
  t.match(final?.entries[0]?.message, /job-w-corrupt\.json is not a valid job log: not JSON.*replaced by this attempt's log/)
})

t.test('bad targets are refused up front', async (t) => {
  const store = await localStore(t)
  await t.rejects(JobLogWriter.open(store, target('../etc/passwd')), { code: 'VALIDATION_ERROR' })
  await t.rejects(JobLogWriter.open(store, target('job-w-bad', 0)), /attempt must be an integer >= 1, got 0/)
  await t.rejects(JobLogWriter.open(store, target('job-w-bad'), { maxEntries: 0 }), /maxEntries must be an integer >= 1/)
})

t.test('stores without update() are written through read + write', async (t) => {
  const docs = new Map<string, string>()
  const minimal: JobLogStore = {
    kind: 'local',
    async write(doc) {
      docs.set(doc.jobId, JSON.stringify(doc))
    },
    async read(jobId) {
      const text = docs.get(jobId)
      return text === undefined ? undefined : (JSON.parse(text) as JobLogDocument)
    },
  }
  for (const attempt of [1, 2, 2]) {
    const log = await JobLogWriter.open(minimal, target('job-w-min', attempt))
    log.entry('info', 'job_start', `attempt ${attempt}`)
    await log.finish('completed')
  }
  t.same(
    (await minimal.read('job-w-min'))?.entries.map((e) => e.attempt),
    [1, 2],
  )
})

t.test('an attempt reads the log once, when it opens, and writes it once at its start and once at its end', async (t) => {
  const local = await localStore(t)
  const calls: string[] = []
  // Every call through the store interface, as the worker's attempts make them.
  const counting: JobLogStore = {
    kind: 'local',
    async read(jobId) {
      calls.push('read')
      return local.read(jobId)
    },
    async write(doc, options) {
      calls.push(`write ${doc.status}${options?.redacted === true ? ' (redacted)' : ''}${options?.durable === false ? ' (not fsynced)' : ''}`)
      return local.write(doc, options)
    },
  }
  for (const attempt of [1, 2]) {
    const log = await JobLogWriter.open(counting, target('job-w-count', attempt))
    log.entry('info', 'job_start', `attempt ${attempt}`)
    // As the worker writes an attempt's start (runtime/attempt.ts): its end rewrites it.
    await log.flush({ durable: false })
    for (let i = 0; i < 50; i++) log.entry('debug', 'chunk', `chunk ${i} Bearer abcdefghijkl${i}`, { api_key: `k${i}` })
    log.rawOutput('stageA', { concepts: ['a'] })
    if (attempt === 1) {
      // A retried attempt ends with a flush (outcome.ts), then the runtime closes it.
      await log.flush()
      log.close()
    } else await log.finish('completed', { result: { cards: 1 } })
  }
  t.same(
    calls,
    ['read', 'write running (redacted) (not fsynced)', 'write running (redacted)', 'read', 'write running (redacted) (not fsynced)', 'write completed (redacted)'],
    'no re-read before a write; one write at the start and one at the end of each attempt',
  )
  const stored = await local.read('job-w-count')
  t.equal(stored?.entries.length, 102, "both attempts' entries, none twice")
  t.equal(stored?.entries[1]?.message, 'chunk 0 Bearer [REDACTED]', 'redacted once, when recorded')
  t.same(stored?.entries[1]?.data, { api_key: '[REDACTED]' })
  t.equal(openLogsOf(counting).size, 0, 'nothing is kept per job once its attempts are closed')
})

t.test("a job's first run (fresh) does not read the store; a later run does and keeps the first run's entries", async (t) => {
  const local = await localStore(t)
  let reads = 0
  const counting: JobLogStore = {
    kind: 'local',
    async read(jobId) {
      reads++
      return local.read(jobId)
    },
    write: (doc, options) => local.write(doc, options),
  }
  const first = await JobLogWriter.open(counting, target('job-w-fresh', 1), { fresh: true })
  t.equal(first.previous, undefined)
  first.entry('info', 'job_start', 'attempt 1')
  await first.flush({ durable: false })
  first.close()
  t.equal(reads, 0, 'no read on the first run')
  const second = await JobLogWriter.open(counting, target('job-w-fresh', 2))
  t.equal(reads, 1, 'a retry reads the log once')
  second.entry('info', 'job_start', 'attempt 2')
  const written = await second.finish('completed')
  t.same(
    written.entries.map((entry) => `${entry.attempt}:${entry.message}`),
    ['1:attempt 1', '2:attempt 2'],
  )
})
