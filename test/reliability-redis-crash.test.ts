/*
 * Redis dies (SIGKILL) while hundreds of jobs are queued and two worker processes run, then comes
 * back on the same port from its append-only file. Every job completes exactly once (counted by
 * the result hook's side effect, not only by BullMQ), the API says 503 while Redis is down and
 * 200 after, and neither the API nor the workers are restarted: they reconnect on their own.
 */
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { apiRequest, closeHttpAgent, mapLimit, percentile, type ApiResponse } from './support/http-client.js'
import { tailOf, waitFor, type ManagedProcess } from '@flashcards/test-support'
import { startPrivateRedis } from '@flashcards/test-support/redis'
import { readMarkers, startApiServer, startTunedWorker, tempDir, waitForWorkerStarted } from './support/processes.js'

const JOBS = 300
/** How long Redis stays down: long enough for every process to notice and retry. */
const OUTAGE_MS = 2_000
const PREFIX = 'reliability-redis'
const TOKEN = `redis-crash-${randomUUID()}`

function content(i: number) {
  return {
    format: 'markdown' as const,
    text: `# Module ${i}\n\n## Fire safety ${i}\n\nEvery floor has two marked escape routes, and the assembly point for building ${i} is the north car park. Fire doors must stay closed and unobstructed at all times.`,
  }
}

t.test('Redis killed and restarted mid-run: every job completes exactly once, API and workers reconnect by themselves', async (t) => {
  const redis = await startPrivateRedis()
  const markers = tempDir('markers')
  const logs = tempDir('logs')
  const env = { REDIS_URL: redis.url, QUEUE_PREFIX: PREFIX, LOG_DIR: logs.path, LLM_PROVIDER: 'offline', WORKER_CONCURRENCY: '4' }
  const api = await startApiServer({ ...env, API_TOKENS: `${TOKEN}:tenant-redis` })
  const workers: ManagedProcess[] = []
  const adminRedis = new Redis(redis.url, { maxRetriesPerRequest: null })
  adminRedis.on('error', () => {})
  const admin = new Queue('orchestrator', { connection: adminRedis, prefix: PREFIX })
  admin.on('error', () => {})
  t.teardown(async () => {
    await Promise.all([api.stop(), ...workers.map((w) => w.stop())])
    await admin.close()
    adminRedis.disconnect()
    await redis.stop()
    closeHttpAgent()
    markers.remove()
    logs.remove()
  })

  // Hundreds of jobs queued through the API before any worker runs.
  const enqueued = await mapLimit(
    Array.from({ length: JOBS }, (_, i) => i),
    16,
    async (i) => {
      const res = await apiRequest(api.base, 'POST', '/orchestrator/generate-batch', TOKEN, {
        mode: 'single_module',
        target: { course_id: 'course-redis', module_id: `mod-redis-${i}` },
        settings: { target_card_count: 2 },
        content: content(i),
      })
      if (res.status !== 202) throw new Error(`enqueue ${i}: HTTP ${res.status} ${JSON.stringify(res.body)}`)
      return res.body.data.jobs[0].job_id as string
    },
  )
  const jobIds = new Set(enqueued)
  t.equal(jobIds.size, JOBS, `${JOBS} distinct jobs enqueued`)

  const tuning = { stalledIntervalMs: 2_000, lockDurationMs: 10_000, markerDir: markers.path }
  workers.push(startTunedWorker('worker-1', tuning, env), startTunedWorker('worker-2', tuning, env))
  await Promise.all(workers.map((w) => waitForWorkerStarted(w)))
  const pids = workers.map((w) => w.pid)

  const completedAtKill = await waitFor(
    'a quarter of the jobs to complete before the crash',
    () => {
      const done = readMarkers(markers.path).size
      return done >= JOBS / 4 ? done : false
    },
    60_000,
    10,
  )
  t.ok(completedAtKill < JOBS, `Redis is killed mid-run (${completedAtKill}/${JOBS} done)`)

  await redis.kill()
  const downAt = Date.now()
  // While Redis is down (held for OUTAGE_MS), health and enqueue keep answering 503 at once.
  const downLatencies: number[] = []
  const whileDown: ApiResponse[] = []
  for (let round = 0; Date.now() - downAt < OUTAGE_MS; round++) {
    const answers = await Promise.all([
      apiRequest(api.base, 'GET', '/orchestrator/health'),
      apiRequest(api.base, 'POST', '/orchestrator/generate-batch', TOKEN, {
        mode: 'single_module',
        target: { course_id: 'course-redis', module_id: `mod-during-outage-${round}` },
      }),
      apiRequest(api.base, 'GET', `/orchestrator/jobs/${enqueued[round % JOBS]}`, TOKEN),
    ])
    for (const res of answers) downLatencies.push(res.ms)
    whileDown.push(...answers)
  }
  t.same(
    whileDown.filter((res) => res.status !== 503).map((res) => res.status),
    [],
    `all ${whileDown.length} requests during the outage answered 503`,
  )
  t.equal(whileDown[0]!.body.status, 'unhealthy', 'health says unhealthy')
  t.ok(Math.max(...downLatencies) < 1_000, `every answer during the outage took < 1 s (max ${Math.max(...downLatencies).toFixed(0)} ms)`)
  const completedWhileDown = readMarkers(markers.path).size

  await redis.restart()
  const downMs = Date.now() - downAt
  const healthyAfterMs = await waitFor(
    'the API to report healthy after the restart',
    async () => {
      const res = await apiRequest(api.base, 'GET', '/orchestrator/health')
      return res.status === 200 ? Date.now() - downAt - downMs : false
    },
    30_000,
    100,
  )

  await waitFor(
    `all ${JOBS} jobs to complete after the restart`,
    async () => readMarkers(markers.path).size >= JOBS && ((await admin.getJobCounts('completed')).completed ?? 0) >= JOBS,
    60_000,
    200,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${workers.map((w) => tailOf(w, 15)).join('\n')}`)
  })

  // A request after the restart is served by the same API process.
  const after = await apiRequest(api.base, 'POST', '/orchestrator/generate-batch', TOKEN, {
    mode: 'single_module',
    target: { course_id: 'course-redis', module_id: 'mod-after-restart' },
    settings: { target_card_count: 2 },
    content: content(JOBS),
  })
  t.equal(after.status, 202, 'the API enqueues again after the restart, without being restarted')
  const lastJob = after.body.data.jobs[0].job_id as string
  await waitFor('the post-restart job to complete', async () => (await admin.getJobState(lastJob)) === 'completed', 30_000, 100)

  const calls = readMarkers(markers.path)
  const duplicated = [...calls].filter(([, lines]) => lines.length !== 1)
  t.same(duplicated, [], 'the result hook ran exactly once for every job')
  t.same(
    [...jobIds].filter((id) => !calls.has(id)),
    [],
    'no enqueued job is missing a result',
  )
  t.same(
    [...calls.keys()].filter((id) => !jobIds.has(id) && id !== lastJob),
    [],
    'no result for a job that was not enqueued',
  )
  const counts = await admin.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed')
  t.same(counts, { waiting: 0, active: 0, delayed: 0, completed: JOBS + 1, failed: 0 }, 'BullMQ agrees: all completed, none failed or left')
  const completedAfterRestartBy = new Set([...calls.values()].flat())
  t.ok(
    pids.every((pid) => completedAfterRestartBy.has(String(pid))),
    'both worker processes completed jobs',
  )
  t.ok(workers.every((w) => w.alive()) && api.proc.alive(), 'no process was restarted: the same API and worker processes are running')
  t.ok(completedWhileDown < JOBS, 'jobs were still left when Redis came back, and the same workers finished them')
  t.equal(redis.starts, 2, 'redis-server was started twice (once killed)')

  t.comment(
    `redis crash: jobs=${JOBS + 1} redis_kills=1 redis_restarts=1 completed_before_kill=${completedAtKill} completed_after_restart=${JOBS - completedWhileDown} ` +
      `duplicate_results=${duplicated.length} lost_jobs=0 failed=${counts.failed} outage_ms=${downMs} ` +
      `api_503_during_outage=${whileDown.length}/${whileDown.length} outage_latency_p50_ms=${percentile(downLatencies, 50).toFixed(1)} max_ms=${Math.max(...downLatencies).toFixed(1)} ` +
      `api_healthy_ms_after_restart=${healthyAfterMs} worker_processes=${workers.length} restarted_processes=0`,
  )
})
