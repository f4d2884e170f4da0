import t, { type Test } from 'tap'
import { mkdtemp, open, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { startProcess } from '@flashcards/test-support'
import { createJobLogStore } from '../src/job-log/create-store.js'
import { JobLogCorruptError } from '../src/errors.js'
import { DEFAULT_LOG_DIR, LocalJobLogStore } from '../src/job-log/local-store.js'
import { JobLogWriter } from '../src/job-log/writer.js'
import type { JobLogDocument } from '../src/job-log/types.js'

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')

async function tempDir(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fc-joblog-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

function doc(jobId: string, overrides: Partial<JobLogDocument> = {}): JobLogDocument {
  return {
    jobId,
    module_id: 'mod-hr-101',
    startedAt: '2025-12-12T00:00:00.000Z',
    completedAt: null,
    status: 'running',
    entries: [],
    rawOutputs: {},
    result: null,
    attempt: 1,
    queue: 'orchestrator',
    course_id: 'course-hr-2025',
    tenant: 'acme',
    error: null,
    ...overrides,
  }
}

const logFiles = async (dir: string) => (await readdir(dir)).filter((name) => name.endsWith('.json')).sort()
const tempFiles = async (dir: string) => (await readdir(dir)).filter((name) => name.endsWith('.tmp'))

async function age(path: string, ms: number): Promise<void> {
  const when = new Date(Date.now() - ms)
  await utimes(path, when, when)
}

t.test('createJobLogStore: local by default, in LOG_DIR', async (t) => {
  const dir = await tempDir(t)
  const store = createJobLogStore({ logs: { store: 'local', dir: dir }, s3: { bucket: undefined, region: 'us-east-1', endpoint: undefined, forcePathStyle: false } })
  t.ok(store instanceof LocalJobLogStore)
  t.equal((store as LocalJobLogStore).dir, dir)
  t.equal(new LocalJobLogStore().dir, resolve(DEFAULT_LOG_DIR), 'server/tmp/logs under the working directory')
  t.equal(DEFAULT_LOG_DIR, 'server/tmp/logs')
})

t.test('write creates {dir}/{jobId}.json (owner-only); read returns it', async (t) => {
  const dir = join(await tempDir(t), 'nested', 'logs')
  const store = new LocalJobLogStore({ dir, retention: false })
  const written = doc('job-local-1', { status: 'completed', completedAt: '2025-12-12T00:01:30.000Z', result: { cards: [] } })
  await store.write(written)
  const path = join(dir, 'job-local-1.json')
  t.same(JSON.parse(await readFile(path, 'utf8')), written)
  t.equal((await stat(path)).mode & 0o777, 0o600)
  t.same(await store.read('job-local-1'), written)
  t.equal(await store.read('job-local-missing'), undefined)
  t.same(await tempFiles(dir), [], 'no temp file left behind')
})

t.test('a write is fsynced before its rename unless it says durable: false (an attempt start)', async (t) => {
  const dir = await tempDir(t)
  const store = new LocalJobLogStore({ dir, retention: false })
  const probe = await open(join(dir, 'probe'), 'w')
  const FileHandle = probe.constructor as { prototype: { sync: (this: unknown) => Promise<void> } }
  await probe.close()
  const sync = FileHandle.prototype.sync
  let syncs = 0
  FileHandle.prototype.sync = function (this: unknown) {
    syncs++
    return sync.call(this)
  }
  t.teardown(() => {
    FileHandle.prototype.sync = sync
  })
  await store.write(doc('job-durable-1'))
  t.equal(syncs, 1, 'fsynced by default')
  await store.write(doc('job-durable-1', { status: 'completed', completedAt: '2025-12-12T00:01:30.000Z' }), { durable: true })
  t.equal(syncs, 2)
  await store.write(doc('job-durable-2'), { durable: false })
  t.equal(syncs, 2, 'not fsynced')
  t.same(await store.read('job-durable-2'), doc('job-durable-2'), 'written whole all the same')
  t.same(await tempFiles(dir), [])
})

t.test('bigints (SDK token counters) are written as strings', async (t) => {
  const dir = await tempDir(t)
  const store = new LocalJobLogStore({ dir, retention: false })
  await store.write(doc('job-bigint', { rawOutputs: { usage: { inputTokens: 12n, note: 'kept' } } }))
  const text = await readFile(join(dir, 'job-bigint.json'), 'utf8')
  t.same(JSON.parse(text).rawOutputs, { usage: { inputTokens: '12', note: 'kept' } })
  t.match(text, /\n {2}"jobId": "job-bigint",\n/, 'indented as ever')
})

t.test('job ids are validated: no path escapes the directory', async (t) => {
  const root = await tempDir(t)
  const dir = join(root, 'logs')
  const store = new LocalJobLogStore({ dir, retention: false })
  await writeFile(join(root, 'outside.json'), JSON.stringify(doc('outside')))
  for (const bad of ['../outside', '..', 'a/b', 'a\\b', '', 'x'.repeat(129), 'job.json', 'job\u0000']) {
    await t.rejects(store.read(bad), { code: 'VALIDATION_ERROR', message: /Invalid job id/ }, JSON.stringify(bad))
    await t.rejects(store.write(doc(bad)), { code: 'VALIDATION_ERROR' })
  }
  t.throws(() => store.pathFor('../outside'), { code: 'VALIDATION_ERROR' })
  t.equal(store.pathFor('ok_ID-1'), join(dir, 'ok_ID-1.json'))
})

t.test('a document that is not a job log is refused before anything is written', async (t) => {
  const dir = await tempDir(t)
  const store = new LocalJobLogStore({ dir, retention: false })
  await store.write(doc('job-local-valid'))
  const bad = { ...doc('job-local-valid'), status: 'exploded' } as unknown as JobLogDocument
  await t.rejects(store.write(bad), { code: 'VALIDATION_ERROR', message: /Invalid job log for job job-local-valid: \/status/ })
  t.equal((await store.read('job-local-valid'))?.status, 'running', 'the stored log is untouched')
})

t.test('a corrupt file is reported with its path and is not served', async (t) => {
  const dir = await tempDir(t)
  const store = new LocalJobLogStore({ dir, retention: false })
  await writeFile(join(dir, 'job-local-cut.json'), '{"jobId":"job-local-cut","module_id":')
  await t.rejects(store.read('job-local-cut'), JobLogCorruptError)
  await t.rejects(store.read('job-local-cut'), new RegExp(`${join(dir, 'job-local-cut.json')} is not a valid job log: not JSON`))
  await writeFile(join(dir, 'job-local-other.json'), JSON.stringify(doc('someone-else')))
  await t.rejects(store.read('job-local-other'), /belongs to job "someone-else"/)
})

t.test('concurrent writers of one job: every attempt kept, nothing half-written', async (t) => {
  const dir = await tempDir(t)
  const store = new LocalJobLogStore({ dir, retention: false })
  const jobId = 'job-local-concurrent'
  const target = { jobId, queue: 'orchestrator' as const, module_id: 'm', course_id: 'c', tenant: 'acme' }
  let reading = true
  let reads = 0
  // A reader racing the writers must only ever see complete documents.
  const reader = (async () => {
    while (reading) {
      const current = await store.read(jobId)
      if (current) reads++
      await new Promise((resolve) => setImmediate(resolve))
    }
  })()
  const attempts = Array.from({ length: 20 }, (_, i) => i + 1)
  await Promise.all(
    attempts.map(async (attempt) => {
      const writer = await JobLogWriter.open(store, { ...target, attempt })
      for (let i = 0; i < 5; i++) writer.entry('info', 'step', `attempt ${attempt} entry ${i}`)
      await writer.flush()
      await writer.finish(attempt === 20 ? 'completed' : 'failed', { error: attempt === 20 ? undefined : `attempt ${attempt} failed` })
    }),
  )
  reading = false
  await reader
  const final = await store.read(jobId)
  t.equal(final?.entries.length, 100, "no writer lost another one's entries")
  t.same([...new Set(final?.entries.map((e) => e.attempt))], attempts, 'entries ordered by attempt')
  t.equal(final?.attempt, 20)
  t.equal(final?.status, 'completed', 'the latest attempt decides the status')
  t.ok(reads > 0, 'the reader saw the log while it was being written')
  t.same(await tempFiles(dir), [])
})

t.test('concurrent plain writes: the last call wins, the file is always whole', async (t) => {
  const dir = await tempDir(t)
  const store = new LocalJobLogStore({ dir, retention: false })
  const big = 'x'.repeat(200_000)
  await Promise.all(Array.from({ length: 10 }, (_, i) => store.write(doc('job-local-race', { attempt: i + 1, rawOutputs: { big } }))))
  const final = await store.read('job-local-race')
  t.equal(final?.attempt, 10)
  t.equal((final?.rawOutputs.big as string).length, 200_000)
})

t.test('a crash between the temp write and the rename leaves the old log intact', async (t) => {
  const dir = await tempDir(t)
  const store = new LocalJobLogStore({ dir, retention: false })
  const before = doc('job-local-crash', { entries: [{ timestamp: '2025-12-12T00:00:00.000Z', level: 'info', step: 'job_start', message: 'old', attempt: 1 }] })
  await store.write(before)

  // A real process that writes attempt 2 and is SIGKILLed the moment it would rename.
  const child = join(dir, 'crash-child.mts')
  await writeFile(
    child,
    `import { promises as fs } from 'node:fs'
import { LocalJobLogStore } from ${JSON.stringify(pathToFileURL(join(packageDir, 'src/job-log/local-store.ts')).href)}
fs.rename = async () => { process.kill(process.pid, 'SIGKILL'); await new Promise(() => {}) }
const [dir, json] = process.argv.slice(2)
await new LocalJobLogStore({ dir, retention: false }).write(JSON.parse(json))
`,
  )
  const after = doc('job-local-crash', { attempt: 2, status: 'completed', rawOutputs: { big: 'y'.repeat(100_000) } })
  const writer = startProcess('crashing log writer', process.execPath, ['--import', 'tsx', child, dir, JSON.stringify(after)], {}, packageDir)
  const { signal } = await writer.exited
  t.equal(signal, 'SIGKILL', 'the writer died mid-write', { output: writer.output() })

  const temps = await tempFiles(dir)
  t.equal(temps.length, 1, 'its complete temp file is left behind')
  t.same(JSON.parse(await readFile(join(dir, temps[0] as string), 'utf8')), after, 'the temp file was fully written and synced before the rename')
  t.same(await store.read('job-local-crash'), before, 'the log still reads as the old document')

  t.same((await store.prune({})).removedTempFiles, 0, 'a fresh temp file may be a write in progress: kept')
  await age(join(dir, temps[0] as string), 5 * 60_000)
  const pruned = await store.prune({})
  t.equal(pruned.removedTempFiles, 1, 'an old one is an orphan: pruned')
  t.same(await tempFiles(dir), [])
  t.same(await store.read('job-local-crash'), before)
})

t.test('prune bounds the directory by age and by count, oldest first', async (t) => {
  const dir = await tempDir(t)
  const store = new LocalJobLogStore({ dir, retention: false })
  const day = 24 * 3_600_000
  for (let i = 0; i < 6; i++) {
    await store.write(doc(`job-local-prune-${i}`))
    await age(join(dir, `job-local-prune-${i}.json`), (6 - i) * day) // job 0 is 6 days old, job 5 one day
  }
  await writeFile(join(dir, 'notes.txt'), 'not a log')

  const byAge = await store.prune({ maxAgeMs: 4.5 * day })
  t.same(byAge.removed.sort(), ['job-local-prune-0', 'job-local-prune-1'])
  t.equal(byAge.kept, 4)

  const byCount = await store.prune({ maxFiles: 2 })
  t.same(byCount.removed.sort(), ['job-local-prune-2', 'job-local-prune-3'], 'the least recently written go first')
  t.same(await logFiles(dir), ['job-local-prune-4.json', 'job-local-prune-5.json'])
  t.ok((await readdir(dir)).includes('notes.txt'), 'files that are not logs are never touched')

  t.same(await new LocalJobLogStore({ dir: join(dir, 'absent') }).prune({ maxFiles: 1 }), { removed: [], removedTempFiles: 0, kept: 0 })
  await t.rejects(store.prune({ maxFiles: -1 }), /maxFiles must be a non-negative integer/)
  t.throws(() => new LocalJobLogStore({ dir, retention: { maxAgeMs: 1.5 } }), /maxAgeMs must be a non-negative integer/)
})

t.test('retention is applied automatically after writes', async (t) => {
  const dir = await tempDir(t)
  const unbounded = new LocalJobLogStore({ dir, retention: false })
  for (let i = 0; i < 5; i++) {
    await unbounded.write(doc(`job-local-auto-${i}`))
    await age(join(dir, `job-local-auto-${i}.json`), (10 - i) * 1000)
  }
  const bounded = new LocalJobLogStore({ dir, retention: { maxFiles: 3 } })
  await bounded.write(doc('job-local-auto-new'))
  await bounded.close() // waits for the prune the write started
  t.same(await logFiles(dir), ['job-local-auto-3.json', 'job-local-auto-4.json', 'job-local-auto-new.json'])
})
