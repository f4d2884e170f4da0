/*
 * Overload and back-pressure on the example API server process: a burst while Redis is down or
 * paused is answered with 503 within a bound (no request waits on Redis indefinitely, nothing
 * piles up in memory), and enqueueing stops at MAX_QUEUE_DEPTH with 429 and Retry-After.
 */
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { Redis } from 'ioredis'
import { apiRequest, closeHttpAgent, mapLimit, percentile, type ApiResponse } from './support/http-client.js'
import { rssOf, waitFor } from '@flashcards/test-support'
import { startPrivateRedis } from '@flashcards/test-support/redis'
import { startApiServer } from './support/processes.js'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

const TOKEN = `overload-${randomUUID()}`
const MB = 1024 * 1024

t.teardown(closeHttpAgent)

/** One request of a burst: the routes that touch Redis, in turn. */
function burstRequest(base: string, i: number, jobId: string): Promise<ApiResponse> {
  switch (i % 5) {
    case 0:
      return apiRequest(base, 'POST', '/orchestrator/generate-batch', TOKEN, {
        mode: 'single_module',
        target: { course_id: 'course-burst', module_id: `mod-burst-${i}` },
        content: { format: 'text', text: `Burst request ${i} carries a little inline content.`.repeat(20) },
      })
    case 1:
      return apiRequest(base, 'GET', `/orchestrator/jobs/${jobId}`, TOKEN)
    case 2:
      return apiRequest(base, 'GET', '/orchestrator/jobs?limit=10', TOKEN)
    case 3:
      return apiRequest(base, 'POST', '/transcription/jobs', TOKEN, {
        module_id: `mod-burst-${i}`,
        course_id: 'course-burst',
        files: [{ file_id: 'notes', url: 'https://cdn.example.com/notes.txt' }],
      })
    default:
      return apiRequest(base, 'GET', '/orchestrator/health')
  }
}

function summarise(responses: ApiResponse[]) {
  const statuses: Record<number, number> = {}
  for (const res of responses) statuses[res.status] = (statuses[res.status] ?? 0) + 1
  const ms = responses.map((res) => res.ms)
  return { statuses, p50: percentile(ms, 50), p99: percentile(ms, 99), max: Math.max(...ms) }
}

t.test('a burst while Redis is down or paused gets fast, bounded 503s and no memory growth', async (t) => {
  const redis = await startPrivateRedis()
  const prefix = 'reliability-overload'
  const api = await startApiServer({ REDIS_URL: redis.url, QUEUE_PREFIX: prefix, API_TOKENS: `${TOKEN}:tenant-burst` })
  t.teardown(async () => {
    await api.stop()
    await redis.stop()
  })
  const first = await burstRequest(api.base, 0, 'none')
  t.equal(first.status, 202, 'the API enqueues while Redis is up')
  const jobId = first.body.data.jobs[0].job_id as string

  // Warm-up so the RSS baseline includes the JIT-compiled request path.
  await mapLimit(
    Array.from({ length: 200 }, (_, i) => i + 1),
    50,
    (i) => burstRequest(api.base, i, jobId),
  )

  await redis.kill()
  const metrics = await apiRequest(api.base, 'GET', '/orchestrator/metrics')
  t.equal(metrics.status, 503, 'metrics answer 503 while Redis is down, like every other route')
  t.match(metrics.body, { success: false, error: { code: 'UNAVAILABLE', message: /^Redis is unreachable/ } }, 'in the error envelope')
  t.notMatch(JSON.stringify(metrics.body), /ioredis|ECONNREFUSED|Connection is closed/, "without the driver's message")
  t.equal(metrics.headers['retry-after'], '5', 'with Retry-After')
  const BURST = 1_000
  const rssBefore = rssOf(api.proc.pid)
  const down = await mapLimit(
    Array.from({ length: BURST }, (_, i) => i),
    50,
    (i) => burstRequest(api.base, i, jobId),
  )
  const rssAfterFirst = rssOf(api.proc.pid)
  const again = await mapLimit(
    Array.from({ length: BURST }, (_, i) => i),
    50,
    (i) => burstRequest(api.base, i, jobId),
  )
  const rssAfterSecond = rssOf(api.proc.pid)
  const downStats = summarise([...down, ...again])
  const slowest = [...down, ...again]
    .map((res, i) => ({ i, ms: res.ms }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5)
  t.comment(`slowest while down: ${slowest.map((s) => `#${s.i}:${s.ms.toFixed(0)}ms`).join(' ')}`)
  t.same(downStats.statuses, { 503: 2 * BURST }, `all ${2 * BURST} requests answered 503 while Redis is down`)
  t.ok(downStats.max < 1_000, `every answer took < 1 s (p50 ${downStats.p50.toFixed(1)} ms, p99 ${downStats.p99.toFixed(1)} ms, max ${downStats.max.toFixed(1)} ms)`)
  t.ok(
    down.every((res) => res.body?.error?.code === 'UNAVAILABLE'),
    'each says UNAVAILABLE',
  )
  t.ok(down.filter((res) => res.headers['retry-after'] !== undefined).length > 0, 'enqueue refusals carry Retry-After')
  const growth = (rssAfterSecond - rssBefore) / MB
  const secondGrowth = (rssAfterSecond - rssAfterFirst) / MB
  t.ok(growth < 64, `RSS grew ${growth.toFixed(1)} MB over ${2 * BURST} refused requests (limit 64 MB)`)
  t.ok(secondGrowth < 16, `a second identical burst adds ${secondGrowth.toFixed(1)} MB (nothing accumulates; limit 16 MB)`)

  // Redis up again but paused: connected, yet not answering. The command timeout bounds the wait.
  await redis.restart()
  await waitFor('the API to enqueue again', async () => (await burstRequest(api.base, 0, jobId)).status === 202, 30_000, 100)
  const pauseMs = 10_000
  const admin = new Redis(redis.url, { maxRetriesPerRequest: 0 })
  admin.on('error', () => {})
  await admin.call('CLIENT', 'PAUSE', String(pauseMs), 'ALL')
  const pausedAt = Date.now()
  const PAUSED_BURST = 100
  // All at once: a client that keeps sending while Redis is paused.
  const paused = await mapLimit(
    Array.from({ length: PAUSED_BURST }, (_, i) => i),
    PAUSED_BURST,
    (i) => burstRequest(api.base, i, jobId),
  )
  const pausedStats = summarise(paused)
  const burstDoneMs = Date.now() - pausedAt
  admin.disconnect()
  t.same(pausedStats.statuses, { 503: PAUSED_BURST }, `all ${PAUSED_BURST} requests to a paused Redis answered 503`)
  t.ok(pausedStats.max < 6_000, `within the 5 s command timeout plus 1 s (max ${pausedStats.max.toFixed(0)} ms), not the ${pauseMs} ms pause`)
  t.ok(burstDoneMs < pauseMs, 'the burst was over before Redis answered again')
  await waitFor('the API to enqueue after the pause', async () => (await burstRequest(api.base, 5, jobId)).status === 202, 30_000, 200)

  t.comment(
    `overload (Redis down): requests=${2 * BURST} status=${JSON.stringify(downStats.statuses)} p50_ms=${downStats.p50.toFixed(1)} p99_ms=${downStats.p99.toFixed(1)} ` +
      `max_ms=${downStats.max.toFixed(1)} rss_before_mb=${(rssBefore / MB).toFixed(1)} rss_after_mb=${(rssAfterSecond / MB).toFixed(1)} growth_mb=${growth.toFixed(1)} second_burst_growth_mb=${secondGrowth.toFixed(1)}`,
  )
  t.comment(
    `overload (Redis paused ${pauseMs} ms): requests=${PAUSED_BURST} status=${JSON.stringify(pausedStats.statuses)} p50_ms=${pausedStats.p50.toFixed(0)} max_ms=${pausedStats.max.toFixed(0)}`,
  )
})

t.test('MAX_QUEUE_DEPTH: a full backlog answers 429 with Retry-After and enqueues nothing', async (t) => {
  const prefix = uniquePrefix('reliability-depth')
  const LIMIT = 5
  const api = await startApiServer({ REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, API_TOKENS: `${TOKEN}:tenant-depth`, MAX_QUEUE_DEPTH: String(LIMIT) })
  const redis = new Redis(TEST_REDIS_URL)
  t.teardown(async () => {
    await api.stop()
    redis.disconnect()
    await deletePrefix(prefix)
  })
  const enqueue = (i: number) =>
    apiRequest(api.base, 'POST', '/orchestrator/generate-batch', TOKEN, {
      mode: 'single_module',
      target: { course_id: 'course-depth', module_id: `mod-depth-${i}` },
    })
  const waiting = async () => redis.llen(`${prefix}:orchestrator:wait`)

  const accepted: ApiResponse[] = []
  for (let i = 0; i < LIMIT; i++) accepted.push(await enqueue(i))
  t.same(
    accepted.map((res) => res.status),
    Array(LIMIT).fill(202),
    `the first ${LIMIT} jobs are accepted`,
  )

  const refused = await mapLimit(
    Array.from({ length: 50 }, (_, i) => LIMIT + i),
    10,
    enqueue,
  )
  t.same(new Set(refused.map((res) => res.status)), new Set([429]), 'every further enqueue answers 429')
  t.equal(refused[0]!.headers['retry-after'], '30', 'with Retry-After')
  t.equal(refused[0]!.body.error.code, 'QUEUE_FULL', 'and the QUEUE_FULL code')
  t.match(refused[0]!.body.error.message, /limit 5/, 'naming the limit')
  const batch = await apiRequest(api.base, 'POST', '/orchestrator/generate-batch', TOKEN, {
    mode: 'modules',
    target: { course_id: 'course-depth', module_ids: ['mod-a', 'mod-b'] },
  })
  t.equal(batch.status, 429, 'a multi-module batch that does not fit is refused whole')
  t.equal(await waiting(), LIMIT, `the backlog holds exactly ${LIMIT} jobs: nothing was enqueued past the limit`)

  const removed = await apiRequest(api.base, 'DELETE', `/orchestrator/jobs/${accepted[0]!.body.data.jobs[0].job_id}`, TOKEN)
  t.equal(removed.status, 200, 'cancelling a waiting job frees a slot')
  t.equal((await enqueue(999)).status, 202, 'and the next enqueue is accepted')
  t.comment(
    `queue depth: limit=${LIMIT} accepted=${LIMIT + 1} refused_429=${refused.length + 1} retry_after_s=${String(refused[0]!.headers['retry-after'])} backlog_after=${await waiting()}`,
  )
})
