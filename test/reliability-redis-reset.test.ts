/*
 * A Redis that comes back empty is reported, never silent: a private redis-server without
 * persistence is killed and restarted (empty) under the example API server and a worker; the
 * jobs it had accepted are gone (404), and health says `unhealthy` with the reason, with one
 * error line in the API's log, until the API is restarted (the acknowledgement). A FLUSHALL
 * under a running API is reported the same way.
 */
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { apiRequest, closeHttpAgent } from './support/http-client.js'
import { waitFor } from '@flashcards/test-support'
import { startPrivateRedis } from '@flashcards/test-support/redis'
import { startApiServer, startWorkerCli, tempDir, waitForWorkerStarted, type ApiServer } from './support/processes.js'
import { Redis } from 'ioredis'

const TOKEN = `tenant-reset-${randomUUID()}`
const JOBS = 50
const LOST = /^Redis lost its data: the epoch key flashcard:all:x:epoch written at \S+ (?:is gone|was replaced by a newer one) \(Redis restarted without persistence/

t.teardown(closeHttpAgent)

/** The API's log lines at error level (pino level 50) that report the loss. */
function lossLines(api: ApiServer): string[] {
  return api.proc
    .output()
    .split('\n')
    .filter((line) => line.includes('"level":50') && line.includes('Redis lost its data'))
}

t.test('Redis restarted empty, or flushed: health is unhealthy with the reason and one error line until the API restarts', async (t) => {
  // No AOF: a restart comes back empty, as a Redis without persistence does.
  const redisServer = await startPrivateRedis(['--appendonly', 'no'])
  const logs = tempDir('reset-logs')
  const env = { REDIS_URL: redisServer.url, QUEUE_PREFIX: 'flashcard', LOG_DIR: logs.path }
  const apiEnv = { ...env, API_TOKENS: `${TOKEN}:tenant-reset` }
  let api = await startApiServer(apiEnv)
  const worker = startWorkerCli('orchestrator', { ...env, LLM_PROVIDER: 'offline' })
  t.teardown(async () => {
    await Promise.all([api.stop(), worker.stop()])
    await redisServer.stop()
    logs.remove()
  })
  await waitForWorkerStarted(worker)
  const call = (method: string, path: string, body?: unknown) => apiRequest(api.base, method, path, TOKEN, body)
  const health = () => call('GET', '/orchestrator/health')
  await waitFor('health to be healthy', async () => (await health()).body.status === 'healthy', 20_000, 100)

  // Accepted jobs that no worker takes (there is no transcription worker): they only live in Redis.
  const accepted: string[] = []
  for (let i = 0; i < JOBS; i++) {
    const res = await call('POST', '/transcription/jobs', { module_id: `m-${i}`, course_id: 'course-reset', files: [{ file_id: 'f', url: 'https://cdn.example.com/f.txt' }] })
    if (res.status === 202) accepted.push(res.body.data.job_id)
  }
  t.equal(accepted.length, JOBS, `${JOBS} jobs accepted`)

  const resetAt = Date.now()
  await redisServer.kill()
  await redisServer.restart()
  const report = await waitFor(
    'health to report the loss',
    async () => {
      const res = await health()
      return res.status === 503 && LOST.test(res.body.reason) ? res : undefined
    },
    30_000,
    100,
  )
  const detectedMs = Date.now() - resetAt
  t.equal(report.body.status, 'unhealthy')
  t.match(report.body.reason, LOST, 'the reason names the lost epoch')
  t.equal(report.body.error.code, 'UNAVAILABLE')
  const gone = (await Promise.all(accepted.map((id) => call('GET', `/transcription/jobs/${id}`)))).filter((res) => res.status === 404).length
  t.equal(gone, JOBS, 'the accepted jobs are gone indeed (404)')
  await waitFor('the worker to beat again', async () => (await health()).body.data?.workers?.orchestrator > 0, 30_000, 100)
  const still = await health()
  t.equal(still.status, 503, 'still unhealthy once the worker beats again: the loss is not forgotten')
  t.match(still.body.reason, LOST)
  t.equal(lossLines(api).length, 1, 'one error line in the API log, however often health is asked')
  t.match(lossLines(api)[0], /"epoch_written_at":"\d{4}-/, 'naming when the lost epoch was written')

  // The acknowledgement: restart the API. It adopts the new Redis's epoch.
  await api.stop()
  api = await startApiServer(apiEnv)
  const afterRestart = await waitFor(
    'health after the API restart',
    async () => {
      const res = await health()
      return res.body.status === 'healthy' ? res : undefined
    },
    20_000,
    100,
  )
  t.equal(afterRestart.status, 200, 'healthy again after the API restarted')
  t.equal(lossLines(api).length, 0, 'the new API process logs no loss')

  // FLUSHALL under the running API: noticed at the next health check.
  const admin = new Redis(redisServer.url)
  await admin.flushall()
  admin.disconnect()
  const flushed = await health()
  t.equal(flushed.status, 503, 'FLUSHALL: 503 at the next health check')
  t.match(flushed.body.reason, LOST)
  await waitFor('the FLUSHALL error line', () => lossLines(api).length === 1, 5_000, 50)
  t.comment(
    `redis reset: accepted_jobs=${JOBS} lost_jobs=${gone} detected_ms=${detectedMs} health=${report.status}/${report.body.status} ` +
      `error_lines=1 health_after_api_restart=${afterRestart.body.status} flushall_health=${flushed.status}/${flushed.body.status}`,
  )
})
