import t from 'tap'
import { Worker, type Job } from 'bullmq'
import { Redis } from 'ioredis'
import { Registry } from 'prom-client'
import { FlashcardQueues } from '../src/client/index.js'
import { FlashcardError } from '../src/errors.js'
import { registerFlashcardMetrics } from '../src/metrics.js'
import type { GenerateBatchBody } from '../src/schemas.js'
import { waitFor } from '@flashcards/test-support'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

const prefix = uniquePrefix('client')
const queues = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: prefix, jobAttempts: 2 })
const alice = { tenant: 'tenant-a', principal: 'alice' }
const bob = { tenant: 'tenant-b', principal: 'bob' }

t.teardown(async () => {
  await queues.close()
  await deletePrefix(prefix)
})

const single = (module_id: string, extra: Partial<GenerateBatchBody> = {}): GenerateBatchBody => ({
  mode: 'single_module',
  target: { module_id, course_id: 'course-1' },
  ...extra,
})

t.test('enqueue a single module and read its normalised status', async (t) => {
  const [job] = await queues.enqueueGeneration(single('mod-1', { settings: { target_card_count: 12 } }), alice)
  t.ok(job)
  t.match(job, { queue: 'orchestrator', kind: 'module', module_id: 'mod-1', course_id: 'course-1', deduplicated: false })
  const status = await queues.getJob('orchestrator', job!.job_id, alice.tenant)
  t.match(status, {
    id: job!.job_id,
    state: 'waiting',
    progress: { percent: 0 },
    attempts_made: 0,
    attempts_max: 2,
    module_id: 'mod-1',
    course_id: 'course-1',
    started_at: null,
    result: null,
    error: null,
  })
  const raw = await queues.queue('orchestrator').getJob(job!.job_id)
  t.same(raw?.data.settings, { target_card_count: 12, card_types: ['basic', 'cloze'], language: 'en' }, 'defaults applied')
  t.same(raw?.data.owner, alice)
  t.match(raw?.opts, { attempts: 2, backoff: { type: 'exponential' }, removeOnComplete: { age: 86400, count: 1000 } })
})

t.test('the same module with the same settings returns the queued job', async (t) => {
  const [first] = await queues.enqueueGeneration(single('mod-dup'), alice)
  const [again] = await queues.enqueueGeneration(single('mod-dup'), { ...alice, principal: 'alice-2' })
  t.equal(again!.job_id, first!.job_id)
  t.equal(again!.deduplicated, true)
  const [otherSettings] = await queues.enqueueGeneration(single('mod-dup', { settings: { target_card_count: 3 } }), alice)
  t.not(otherSettings!.job_id, first!.job_id, 'different settings are different work')
  const [otherTenant] = await queues.enqueueGeneration(single('mod-dup'), bob)
  t.not(otherTenant!.job_id, first!.job_id, 'tenants never share jobs')
  const [otherContent] = await queues.enqueueGeneration(single('mod-dup', { content: { format: 'text', text: 'Inline content.' } }), alice)
  t.not(otherContent!.job_id, first!.job_id, 'different content is different work')
})

t.test('modules and course modes', async (t) => {
  const jobs = await queues.enqueueGeneration({ mode: 'modules', target: { course_id: 'course-2', module_ids: ['m-a', 'm-b', 'm-c'] } }, alice)
  t.equal(jobs.length, 3)
  t.same(
    jobs.map((j) => j.module_id),
    ['m-a', 'm-b', 'm-c'],
  )
  const [course] = await queues.enqueueGeneration({ mode: 'course', target: { course_id: 'course-2' } }, alice)
  t.match(course, { kind: 'course', module_id: null, course_id: 'course-2' })
  const raw = await queues.queue('orchestrator').getJob(course!.job_id)
  t.equal(raw?.name, 'expand-course')
  t.equal(raw?.data.kind, 'course')
})

t.test('invalid requests name the field and enqueue nothing', async (t) => {
  const before = await queues.queue('orchestrator').getJobCountByTypes('waiting')
  const cases: [unknown, RegExp][] = [
    [{ mode: 'nope', target: { course_id: 'c' } }, /body\.mode/],
    [{ mode: 'single_module', target: { course_id: 'c' } }, /body\.target\.module_id: is required/],
    [{ mode: 'modules', target: { course_id: 'c', module_id: 'x' } }, /body\.target\.module_ids: is required/],
    [{ mode: 'course', target: { course_id: 'c', module_id: 'x' } }, /body\.target\.module_id: is not allowed/],
    [single('m', { settings: { target_card_count: 0 } }), /body\.settings\.target_card_count/],
    [single('m', { settings: { target_card_count: 10000 } }), /body\.settings\.target_card_count/],
    [{ ...single('m'), extra: 1 }, /body/],
    [single('../etc'), /body\.target\.module_id/],
  ]
  for (const [body, pattern] of cases) {
    const err = await queues.enqueueGeneration(body as GenerateBatchBody, alice).catch((e: unknown) => e)
    t.type(err, FlashcardError)
    t.equal((err as FlashcardError).code, 'VALIDATION_ERROR')
    t.match((err as Error).message, pattern)
  }
  t.equal(await queues.queue('orchestrator').getJobCountByTypes('waiting'), before)
})

t.test("tenants cannot read, list, cancel or retry each other's jobs", async (t) => {
  const [job] = await queues.enqueueGeneration(single('mod-private'), alice)
  t.equal(await queues.getJob('orchestrator', job!.job_id, bob.tenant), undefined)
  t.equal(await queues.cancel('orchestrator', job!.job_id, bob.tenant), undefined)
  t.equal(await queues.retry('orchestrator', job!.job_id, bob.tenant), undefined)
  const bobs = await queues.listJobs({ queue: 'orchestrator', tenant: bob.tenant, module_id: 'mod-private' })
  t.same(bobs.items, [])
  t.ok(await queues.getJob('orchestrator', job!.job_id, alice.tenant))
  t.equal(await queues.getJob('orchestrator', '../../etc/passwd', alice.tenant), undefined, 'malformed ids are not looked up')
})

t.test('list filters and paginates newest first', async (t) => {
  const ids: string[] = []
  for (const m of ['p-1', 'p-2', 'p-3', 'p-4', 'p-5']) {
    const [job] = await queues.enqueueGeneration({ mode: 'single_module', target: { course_id: 'course-page', module_id: m } }, alice)
    ids.push(job!.job_id)
  }
  const first = await queues.listJobs({ queue: 'orchestrator', tenant: alice.tenant, course_id: 'course-page', limit: 2 })
  t.equal(first.items.length, 2)
  t.equal(first.next_offset, 2)
  const rest = await queues.listJobs({ queue: 'orchestrator', tenant: alice.tenant, course_id: 'course-page', limit: 10, offset: 2 })
  t.equal(rest.items.length, 3)
  t.equal(rest.next_offset, null)
  const all = [...first.items, ...rest.items].map((j) => j.id)
  t.same([...all].sort(), [...ids].sort(), 'every job exactly once across pages')
  const byModule = await queues.listJobs({ queue: 'orchestrator', tenant: alice.tenant, module_id: 'p-3' })
  t.same(
    byModule.items.map((j) => j.module_id),
    ['p-3'],
  )
  const waiting = await queues.listJobs({ queue: 'orchestrator', tenant: alice.tenant, state: 'completed', course_id: 'course-page' })
  t.same(waiting.items, [])
})

t.test('cancel, retry and the cross-process abort of a running job', async (t) => {
  const workerPrefix = uniquePrefix('cancel')
  const local = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: workerPrefix, jobAttempts: 1 })
  const subscriber = new Redis(TEST_REDIS_URL)
  let aborted = 0
  let shouldFail = true
  const worker = new Worker(
    'orchestrator',
    async (job: Job, _token?: string, signal?: AbortSignal) => {
      if (job.data.module_id === 'fail-once' && shouldFail) throw new Error('boom')
      if (job.data.module_id !== 'long') return { ok: true }
      await new Promise<void>((resolve) => {
        signal?.addEventListener('abort', () => {
          aborted++
          resolve()
        })
      })
      throw new Error('cancelled')
    },
    { connection: { url: TEST_REDIS_URL, maxRetriesPerRequest: null }, prefix: workerPrefix },
  )
  const stop = await local.listenForCancels(subscriber, 'orchestrator', (id) => worker.cancelJob(id, 'cancelled by user'))
  t.teardown(async () => {
    await stop()
    await worker.close()
    subscriber.disconnect()
    await local.close()
    await deletePrefix(workerPrefix)
  })

  const [failing] = await local.enqueueGeneration(single('fail-once'), alice)
  await waitFor('the failing job to fail', async () => (await local.getJob('orchestrator', failing!.job_id, alice.tenant))?.state === 'failed', 15_000)
  const failed = await local.getJob('orchestrator', failing!.job_id, alice.tenant)
  t.equal(failed?.error, 'boom')
  shouldFail = false
  const retried = await local.retry('orchestrator', failing!.job_id, alice.tenant)
  t.ok(retried)
  await waitFor('the retried job to complete', async () => (await local.getJob('orchestrator', failing!.job_id, alice.tenant))?.state === 'completed', 15_000)
  t.same((await local.getJob('orchestrator', failing!.job_id, alice.tenant))?.result, { ok: true })

  const [long] = await local.enqueueGeneration(single('long'), alice)
  await waitFor('the long job to be active', async () => (await local.getJob('orchestrator', long!.job_id, alice.tenant))?.state === 'active', 15_000)
  await t.rejects(local.retry('orchestrator', long!.job_id, alice.tenant), { code: 'CONFLICT' })
  t.equal(await local.cancel('orchestrator', long!.job_id, alice.tenant), 'cancel_requested')
  await waitFor('the long job to fail', async () => (await local.getJob('orchestrator', long!.job_id, alice.tenant))?.state === 'failed', 15_000)
  t.equal(aborted, 1, 'the processor in the worker was aborted')
  t.ok(await local.isCancelRequested('orchestrator', long!.job_id))

  await worker.pause()
  const [queued] = await local.enqueueGeneration(single('queued'), alice)
  t.equal(await local.cancel('orchestrator', queued!.job_id, alice.tenant), 'removed')
  t.equal(await local.getJob('orchestrator', queued!.job_id, alice.tenant), undefined)
})

t.test('a full backlog refuses new work with QUEUE_FULL', async (t) => {
  const p = uniquePrefix('full')
  const limited = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: p, maxQueueDepth: 2 })
  t.teardown(async () => {
    await limited.close()
    await deletePrefix(p)
  })
  await limited.enqueueGeneration(single('f-1'), alice)
  await limited.enqueueGeneration(single('f-2'), alice)
  const err = (await limited.enqueueGeneration(single('f-3'), alice).catch((e: unknown) => e)) as FlashcardError
  t.equal(err.code, 'QUEUE_FULL')
  t.ok(err.retryAfterSeconds && err.retryAfterSeconds > 0)
  t.equal(await limited.queue('orchestrator').getJobCountByTypes('waiting'), 2)
})

t.test('metrics read the shared counters from Redis', async (t) => {
  const p = uniquePrefix('metrics')
  const q = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: p })
  const registry = new Registry()
  const unregister = registerFlashcardMetrics({ registry, queues: q, cacheMs: 0 })
  t.teardown(async () => {
    unregister()
    await q.close()
    await deletePrefix(p)
  })
  await q.enqueueGeneration(single('x-1'), alice)
  await q.enqueueGeneration(single('x-1'), alice) // deduplicated: not counted twice
  await q.enqueueTranscription({ module_id: 'x-1', course_id: 'course-1', files: [{ file_id: 'f', url: 'https://example.com/a.mp3' }] }, alice)
  // Another process (a worker) records what it finished through its own connection.
  const other = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: p })
  await other.ready()
  await other.recordAttempt('orchestrator', { finished: { outcome: 'SUCCESS', durationSeconds: 42, cards: 7 } })
  await other.recordAttempt('orchestrator', { finished: { outcome: 'FAILED', durationSeconds: 3 } })
  await other.beat('orchestrator', 'host-1')
  await other.close()
  const text = await registry.metrics()
  t.match(text, /flashcard_jobs_enqueued_total\{type="orchestrator"\} 1\n/)
  t.match(text, /flashcard_jobs_enqueued_total\{type="transcription"\} 1\n/)
  t.match(text, /flashcard_jobs_failed_total\{type="orchestrator"\} 1\n/)
  t.match(text, /flashcard_jobs_in_progress\{type="orchestrator"\} 0\n/)
  t.match(text, /flashcard_job_duration_seconds_bucket\{type="orchestrator",status="SUCCESS",le="60"\} 1\n/)
  t.match(text, /flashcard_job_duration_seconds_bucket\{type="orchestrator",status="SUCCESS",le="30"\} 0\n/)
  t.match(text, /flashcard_job_duration_seconds_sum\{type="orchestrator",status="SUCCESS"\} 42\n/)
  t.match(text, /flashcard_cards_generated_total\{type="orchestrator"\} 7\n/)
  t.match(text, /flashcard_queue_depth\{type="orchestrator",state="waiting"\} 1\n/)
  t.match(text, /flashcard_workers_alive\{type="orchestrator"\} 1\n/)
  t.match(text, /# TYPE flashcard_job_duration_seconds histogram/)
})

t.test("an attempt's statistics in one transaction count the same as call-by-call recording", async (t) => {
  const [p1, p2] = [uniquePrefix('stats-each'), uniquePrefix('stats-attempt')]
  const each = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: p1 })
  const batched = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: p2 })
  t.teardown(async () => {
    await Promise.all([each.close(), batched.close()])
    await Promise.all([deletePrefix(p1), deletePrefix(p2)])
  })
  await Promise.all([each.ready(), batched.ready()])
  const calls = [
    { provider: 'gemini', stage: 'stageA', ok: true, inputTokens: 100, outputTokens: 20 },
    { provider: 'gemini', stage: 'stageA', ok: true, inputTokens: 50, outputTokens: 10 },
    { provider: 'gemini', stage: 'stageA', ok: false, inputTokens: 0, outputTokens: 0 },
    { provider: 'gemini', stage: 'stageB', ok: true, inputTokens: 0, outputTokens: 0, cached: true },
  ]
  for (const call of calls) await each.recordAttempt('orchestrator', { llmCalls: [call] })
  await each.recordAttempt('orchestrator', { finished: { outcome: 'SUCCESS', durationSeconds: 12, cards: 4 } })
  await batched.recordAttempt('orchestrator', { llmCalls: calls, finished: { outcome: 'SUCCESS', durationSeconds: 12, cards: 4 } })
  const [a, b] = await Promise.all([each.readStats('orchestrator'), batched.readStats('orchestrator')])
  t.ok(b.lastSuccessAt)
  t.same({ ...b, lastSuccessAt: 0 }, { ...a, lastSuccessAt: 0 })
  t.same(b.llmCalls, { 'gemini|stageA|ok': 2, 'gemini|stageA|error': 1, 'gemini|stageB|cached': 1 })
  t.same(b.llmTokens, { 'gemini|input': 150, 'gemini|output': 30 })
  t.equal(b.duration.SUCCESS.count, 1)

  // A retried attempt: its calls count, the job does not finish yet.
  await batched.recordAttempt('orchestrator', { llmCalls: calls.slice(0, 1) })
  await batched.recordAttempt('orchestrator', {})
  const after = await batched.readStats('orchestrator')
  t.equal(after.llmCalls['gemini|stageA|ok'], 3)
  t.equal(after.completed, 1)
})

t.test('attempts ending together are written in one script call and count as if written one by one', async (t) => {
  const [p1, p2] = [uniquePrefix('stats-one-by-one'), uniquePrefix('stats-together')]
  const oneByOne = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: p1 })
  const together = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: p2 })
  t.teardown(async () => {
    await Promise.all([oneByOne.close(), together.close()])
    await Promise.all([deletePrefix(p1), deletePrefix(p2)])
  })
  await Promise.all([oneByOne.ready(), together.ready()])
  const call = { provider: 'gemini', stage: 'stageA', ok: true, inputTokens: 10, outputTokens: 2 }
  const attempts = [
    { llmCalls: [call], finished: { outcome: 'SUCCESS' as const, durationSeconds: 0.25, cards: 3 } },
    { llmCalls: [call, call], finished: { outcome: 'SUCCESS' as const, durationSeconds: 20.5, cards: 5 } },
    { llmCalls: [{ ...call, ok: false }], finished: { outcome: 'FAILED' as const, durationSeconds: 1.5 } },
    { llmCalls: [call] },
    { finished: { outcome: 'FAILED' as const, durationSeconds: 4000 } },
  ]
  for (const attempt of attempts) await oneByOne.recordAttempt('orchestrator', attempt)
  const scripts: string[] = []
  const send = together.connection.sendCommand.bind(together.connection)
  together.connection.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
    if (/^eval/.test(command.name)) scripts.push(command.name)
    return (send as (...args: unknown[]) => unknown)(command, ...rest)
  }) as typeof together.connection.sendCommand
  await Promise.all(attempts.map((attempt) => together.recordAttempt('orchestrator', attempt)))
  t.equal(scripts.length, 1, 'one script call for the five attempts')
  const [a, b] = await Promise.all([oneByOne.readStats('orchestrator'), together.readStats('orchestrator')])
  t.ok(b.lastSuccessAt)
  t.same({ ...b, lastSuccessAt: 0 }, { ...a, lastSuccessAt: 0 })
  t.equal(b.duration.SUCCESS.sum, 20.75)
  t.equal(b.duration.FAILED.sum, 4001.5)
  t.equal(b.completed, 2)
  t.equal(b.failed, 2)
})

t.test('the duration histogram: one increment per attempt, read back cumulative, with buckets written the older cumulative way', async (t) => {
  const p = uniquePrefix('stats-histogram')
  const q = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: p })
  const raw = new Redis(TEST_REDIS_URL)
  t.teardown(async () => {
    raw.disconnect()
    await q.close()
    await deletePrefix(p)
  })
  await q.ready()
  for (const durationSeconds of [0.5, 1, 20, 7200]) await q.recordAttempt('orchestrator', { finished: { outcome: 'SUCCESS', durationSeconds } })
  // What a worker of the previous version wrote for one 4-second job: every bucket from le=5 up.
  const key = `${p}:orchestrator:x:stats`
  for (const le of [5, 15, 30, 60, 120, 300, 600, 1800, 3600]) await raw.hincrby(key, `duration:SUCCESS:${le}`, 1)
  await raw.hincrby(key, 'duration:SUCCESS:count', 1)
  const { duration } = await q.readStats('orchestrator')
  t.same(duration.SUCCESS.buckets, [2, 3, 3, 4, 4, 4, 4, 4, 4, 4])
  t.equal(duration.SUCCESS.count, 5)
  t.equal(duration.SUCCESS.sum, 7221.5)
  t.same(duration.FAILED, { buckets: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], sum: 0, count: 0 })
})

t.test('a cached backlog count: own adds count at once, a cancel frees a slot, other processes are seen after the window', async (t) => {
  const p = uniquePrefix('backlog-cache')
  const q = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: p, maxQueueDepth: 2, backlogCacheMs: 300 })
  const other = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: p })
  t.teardown(async () => {
    await Promise.all([q.close(), other.close()])
    await deletePrefix(p)
  })
  const [first] = await q.enqueueGeneration(single('cache-1'), alice)
  await q.enqueueGeneration(single('cache-2'), alice)
  await t.rejects(q.enqueueGeneration(single('cache-3'), alice), { code: 'QUEUE_FULL' }, 'its own two adds fill the cached count')
  t.equal(await q.cancel('orchestrator', first!.job_id, alice.tenant), 'removed')
  const [third] = await q.enqueueGeneration(single('cache-3'), alice)
  t.equal((await q.counts('orchestrator')).waiting, 2, 'the cancel freed exactly one slot')

  await q.cancel('orchestrator', third!.job_id, alice.tenant)
  t.equal((await q.enqueueGeneration(single('cache-2'), alice))[0]!.deduplicated, true, 'a duplicate takes no slot (backlog 1 cached)')
  await other.enqueueGeneration(single('cache-4'), alice)
  await other.enqueueGeneration(single('cache-5'), alice) // another process fills the queue past the limit
  const deadline = Date.now() + 5_000
  let seen: number | undefined
  for (let i = 0; Date.now() < deadline; i++) {
    const backlog = await q.enqueueGeneration(single(`cache-late-${i}`), alice).then(
      () => undefined,
      (err: FlashcardError) => (err.code === 'QUEUE_FULL' ? (err.details as { backlog: number }).backlog : undefined),
    )
    if (backlog !== undefined && backlog === (await q.counts('orchestrator')).waiting) {
      seen = backlog
      break
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.ok(seen !== undefined && seen > 2, `refused on the real backlog (${seen}) once the window has passed`)
})

t.test('concurrent calls before the first connect share one wait', async (t) => {
  const p = uniquePrefix('ready')
  const fresh = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: p })
  t.teardown(async () => {
    await fresh.close()
    await deletePrefix(p)
  })
  const warnings: Error[] = []
  const onWarning = (w: Error) => warnings.push(w)
  process.on('warning', onWarning)
  t.teardown(() => {
    process.off('warning', onWarning)
  })
  t.not(fresh.connection.status, 'ready', 'still connecting')
  const before = fresh.connection.listenerCount('ready')
  const waits = Array.from({ length: 50 }, () => fresh.ready())
  t.equal(fresh.connection.listenerCount('ready') - before, 1, 'one listener for all 50 callers')
  await Promise.all(waits)
  await new Promise((r) => setImmediate(r))
  t.same(
    warnings.filter((w) => w.name === 'MaxListenersExceededWarning'),
    [],
    'no listener leak warning',
  )
})
