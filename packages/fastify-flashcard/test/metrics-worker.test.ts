import t from 'tap'
import { fileURLToPath } from 'node:url'
import { deletePrefix, uniquePrefix } from '@flashcards/test-support/redis'
import { bearer, buildApp, TEST_REDIS_URL, TOKEN_A } from './helpers.js'
import { startProcess, tailOf, waitFor } from '@flashcards/test-support'

const prefix = uniquePrefix('metrics')
const app = await buildApp(prefix, { jobAttempts: 1, openapi: false })
const BASE = '/api/flashcards/orchestrator'

// The jobs run in another process: the counters can only come from Redis.
const worker = startProcess('stats-worker', process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/stats-worker.ts', import.meta.url))], {
  REDIS_URL: TEST_REDIS_URL,
  QUEUE_PREFIX: app.flashcards.queues.prefix,
})
t.teardown(async () => {
  await worker.stop()
  await app.close()
  await deletePrefix(prefix)
})
await waitFor('the worker process to start', () => worker.output().includes('ready'), 30_000).catch((err: Error) => {
  throw new Error(`${err.message}\n${tailOf(worker)}`)
})

async function scrape(): Promise<Map<string, number>> {
  const res = await app.inject({ url: `${BASE}/metrics`, headers: bearer(TOKEN_A) })
  const samples = new Map<string, number>()
  for (const line of res.body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const space = line.lastIndexOf(' ')
    samples.set(line.slice(0, space), Number(line.slice(space + 1)))
  }
  return samples
}

t.test('counters count the jobs a worker in another process ran', async (t) => {
  const before = await scrape()
  t.equal(before.get('flashcard_workers_alive{type="orchestrator"}'), 1, 'the worker heartbeat is seen')
  const modules = ['ok-1', 'ok-2', 'ok-3', 'fail-1', 'fail-2']
  for (const module_id of modules) {
    const res = await app.inject({
      method: 'POST',
      url: `${BASE}/generate-batch`,
      headers: bearer(TOKEN_A),
      payload: { mode: 'single_module', target: { module_id, course_id: 'course-m' } },
    })
    t.equal(res.statusCode, 202)
  }
  await waitFor(
    'the worker to finish the five jobs',
    async () => {
      const s = await scrape()
      return s.get('flashcard_jobs_completed_total{type="orchestrator"}') === 3 && s.get('flashcard_jobs_failed_total{type="orchestrator"}') === 2
    },
    30_000,
  )

  const s = await scrape()
  t.equal(s.get('flashcard_jobs_enqueued_total{type="orchestrator"}'), 5)
  t.equal(s.get('flashcard_jobs_enqueued_total{type="transcription"}'), 0)
  t.equal(s.get('flashcard_jobs_failed_total{type="orchestrator"}'), 2)
  t.equal(s.get('flashcard_jobs_in_progress{type="orchestrator"}'), 0)
  t.equal(s.get('flashcard_cards_generated_total{type="orchestrator"}'), 3)
  t.equal(s.get('flashcard_job_duration_seconds_count{type="orchestrator",status="SUCCESS"}'), 3)
  t.equal(s.get('flashcard_job_duration_seconds_count{type="orchestrator",status="FAILED"}'), 2)
  t.equal(s.get('flashcard_job_duration_seconds_bucket{type="orchestrator",status="SUCCESS",le="60"}'), 3, "the runbook's bucket line")
  t.equal(s.get('flashcard_job_duration_seconds_bucket{type="orchestrator",status="FAILED",le="+Inf"}'), 2)
  t.equal(s.get('flashcard_queue_depth{type="orchestrator",state="completed"}'), 3)
  t.equal(s.get('flashcard_queue_depth{type="orchestrator",state="failed"}'), 2)
  t.equal(s.get('flashcard_queue_depth{type="orchestrator",state="waiting"}'), 0)
  t.ok((s.get('flashcard_http_requests_total{method="POST",route="/api/flashcards/orchestrator/generate-batch",status_code="202"}') ?? 0) >= 5)

  const health = await app.inject({ url: `${BASE}/health`, headers: bearer(TOKEN_A) })
  t.equal(health.statusCode, 200)
  t.match(health.json(), { success: true, status: 'healthy', data: { jobs_in_queue: 0, jobs_processing: 0, workers: { orchestrator: 1 } } })
  t.ok(health.json().data.last_successful_run, 'last_successful_run set by the other process')

  const failedList = await app.inject({ url: `${BASE}/jobs?state=failed`, headers: bearer(TOKEN_A) })
  t.same(
    failedList
      .json()
      .data.items.map((job: { module_id: string; error: string }) => [job.module_id, job.error])
      .sort(),
    [
      ['fail-1', 'deliberate failure'],
      ['fail-2', 'deliberate failure'],
    ],
  )
})

t.test('the exposition text is valid Prometheus format', async (t) => {
  const res = await app.inject({ url: `${BASE}/metrics`, headers: bearer(TOKEN_A) })
  const sample = /^[a-zA-Z_:][\w:]*(\{([a-zA-Z_]\w*="(?:[^"\\\n]|\\.)*",?)*\})? -?(\d+(\.\d+)?(e[+-]?\d+)?|\+Inf|-Inf|NaN)$/
  const declared = new Set<string>()
  for (const line of res.body.split('\n')) {
    if (line === '') continue
    const type = /^# TYPE (\S+) (?:counter|gauge|histogram|summary|untyped)$/.exec(line)
    if (type) {
      declared.add(type[1]!)
      continue
    }
    if (line.startsWith('# HELP ')) continue
    t.match(line, sample, line)
    const name = line.split(/[{ ]/)[0]!
    t.ok(declared.has(name.replace(/_(?:bucket|sum|count)$/, '')) || declared.has(name), `${name} has a TYPE line`)
  }
})
