import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Redis } from 'ioredis'
import { Heartbeats, LocalJobLogStore } from '@flashcards/queue-core'
import { startProcess, tailOf, waitFor } from '@flashcards/test-support'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

/*
 * examples/server.ts as a real process on a loopback port, driven with the runbook's own curl
 * commands (copied verbatim from "Enqueue Jobs via API", "Health Check" and "Queue Statistics";
 * only the port, <token> and <job_id> are filled in).
 */
const RUNBOOK_ENQUEUE = `curl -X POST http://localhost:5000/api/flashcards/orchestrator/generate-batch \\
  -H "Content-Type: application/json" \\
  -H "Authorization: Bearer <token>" \\
  -d '{
    "mode": "single_module",
    "target": {
      "module_id": "mod-hr-101",
      "course_id": "course-hr-2025"
    },
    "settings": {
      "target_card_count": 10
    }
  }'`
const RUNBOOK_STATUS = `curl http://localhost:5000/api/flashcards/orchestrator/jobs/<job_id> \\
  -H "Authorization: Bearer <token>"`
const RUNBOOK_HEALTH = 'curl http://localhost:5000/api/flashcards/orchestrator/health'
const RUNBOOK_METRICS = 'curl http://localhost:5000/api/flashcards/orchestrator/metrics'

const TOKEN = 'runbook-token-0001'
const OTHER_TOKEN = 'runbook-token-0002'
const prefix = uniquePrefix('api-server')
const logDir = await mkdtemp(join(tmpdir(), 'fc-api-server-'))
const run = promisify(execFile)

const server = startProcess('examples/server.ts', process.execPath, ['--import', 'tsx', 'examples/server.ts'], {
  PORT: '0',
  HOST: '127.0.0.1',
  REDIS_URL: TEST_REDIS_URL,
  QUEUE_PREFIX: prefix,
  API_TOKENS: `${TOKEN}:tenant-a,${OTHER_TOKEN}:tenant-b`,
  LOG_STORE: 'local',
  LOG_DIR: logDir,
})
t.teardown(async () => {
  await server.stop(0)
  await deletePrefix(prefix)
  await rm(logDir, { recursive: true, force: true })
})

const port = await waitFor('the server to listen', () => Number(/Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(server.output())?.[1]), 30_000).catch((err: Error) => {
  throw new Error(`${err.message}\n${tailOf(server)}`)
})

/** Runs a runbook command through a real shell and curl, returning the status and body. */
async function curl(command: string, fill: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  let filled = command.replaceAll('localhost:5000', `localhost:${port}`)
  for (const [placeholder, value] of Object.entries(fill)) filled = filled.replaceAll(placeholder, value)
  // -s and -w only add the status after the body; the request is the runbook's.
  const { stdout: out } = await run('sh', ['-c', `${filled.replace(/^curl /, "curl -s -w '\\n%{http_code}' ")}`])
  const split = out.lastIndexOf('\n')
  return { status: Number(out.slice(split + 1)), body: out.slice(0, split) }
}

t.test("the runbook's enqueue and status commands work as written", async (t) => {
  const enqueued = await curl(RUNBOOK_ENQUEUE, { '<token>': TOKEN })
  t.equal(enqueued.status, 202)
  const body = JSON.parse(enqueued.body)
  t.match(body, { success: true, data: { jobs: [{ module_id: 'mod-hr-101', course_id: 'course-hr-2025', queue: 'orchestrator' }] } })
  const jobId = body.data.jobs[0].job_id as string

  const status = await curl(RUNBOOK_STATUS, { '<token>': TOKEN, '<job_id>': jobId })
  t.equal(status.status, 200)
  t.match(JSON.parse(status.body), { success: true, data: { id: jobId, state: 'waiting', module_id: 'mod-hr-101' } })

  const foreign = await curl(RUNBOOK_STATUS, { '<token>': OTHER_TOKEN, '<job_id>': jobId })
  t.equal(foreign.status, 404, "another tenant's token cannot read the job")
  const anonymous = await curl(RUNBOOK_STATUS.replace(/ \\\n\s+-H "Authorization: Bearer <token>"/, ''), { '<job_id>': jobId })
  t.equal(anonymous.status, 401)
  t.match(JSON.parse(anonymous.body), { success: false, error: { code: 'UNAUTHORIZED' } })

  // The job log a worker would write to LOG_DIR is served to its tenant.
  const store = new LocalJobLogStore({ dir: logDir })
  const doc = {
    jobId,
    queue: 'orchestrator' as const,
    module_id: 'mod-hr-101',
    course_id: 'course-hr-2025',
    tenant: 'tenant-a',
    attempt: 1,
    startedAt: '2025-12-12T00:00:00.000Z',
    completedAt: null,
    status: 'running' as const,
    entries: [{ timestamp: '2025-12-12T00:00:00.000Z', level: 'info' as const, step: 'job_start', message: 'Job started for module mod-hr-101', attempt: 1 }],
    rawOutputs: {},
    result: null,
    error: null,
  }
  await store.write(doc)
  const logs = await curl(`curl http://localhost:5000/api/flashcards/orchestrator/jobs/<job_id>/logs -H "Authorization: Bearer <token>"`, {
    '<token>': TOKEN,
    '<job_id>': jobId,
  })
  t.equal(logs.status, 200)
  t.match(JSON.parse(logs.body), { success: true, data: { jobId, tenant: 'tenant-a', entries: [{ step: 'job_start' }] } })
})

t.test("the runbook's health command: unhealthy without workers, healthy with a heartbeat", async (t) => {
  const down = await curl(RUNBOOK_HEALTH)
  t.equal(down.status, 503)
  t.match(JSON.parse(down.body), { success: false, status: 'unhealthy', reason: /no worker/ })

  const redis = new Redis(TEST_REDIS_URL)
  t.teardown(() => redis.quit())
  const heartbeats = new Heartbeats(redis, prefix)
  await heartbeats.beat('orchestrator', 'runbook-test-worker')
  const up = await curl(RUNBOOK_HEALTH)
  t.equal(up.status, 200)
  const body = JSON.parse(up.body)
  t.same(Object.keys(body), ['success', 'status', 'data'])
  t.match(body, { success: true, status: 'healthy', data: { jobs_in_queue: 1, jobs_processing: 0, last_successful_run: null } })
  t.type(body.data.uptime, 'number')
  await heartbeats.remove('orchestrator', 'runbook-test-worker')
})

t.test("the runbook's metrics command returns the runbook's metric names", async (t) => {
  const res = await curl(RUNBOOK_METRICS)
  t.equal(res.status, 200)
  t.match(res.body, /^# HELP flashcard_jobs_enqueued_total Total number of jobs enqueued$/m)
  t.match(res.body, /^# TYPE flashcard_jobs_enqueued_total counter$/m)
  t.match(res.body, /^flashcard_jobs_enqueued_total\{type="orchestrator"\} 1$/m)
  t.match(res.body, /^flashcard_jobs_enqueued_total\{type="transcription"\} 0$/m)
  t.match(res.body, /^# TYPE flashcard_jobs_failed_total counter$/m)
  t.match(res.body, /^# TYPE flashcard_jobs_in_progress gauge$/m)
  t.match(res.body, /^# TYPE flashcard_job_duration_seconds histogram$/m)
  t.match(res.body, /^flashcard_job_duration_seconds_bucket\{type="orchestrator",status="SUCCESS",le="60"\} 0$/m)
})

t.test('the example serves the docs UI and the OpenAPI document', async (t) => {
  const docs = await fetch(`http://127.0.0.1:${port}/docs/`)
  t.equal(docs.status, 200)
  t.match(await docs.text(), /swagger-ui/i)
  const openapi = await fetch(`http://127.0.0.1:${port}/api/flashcards/openapi.json`)
  t.match(await openapi.json(), { openapi: '3.1.0', paths: { '/api/flashcards/orchestrator/generate-batch': { post: {} } } })
})

t.test('SIGTERM closes open event streams and exits cleanly', async (t) => {
  const enqueued = JSON.parse((await curl(RUNBOOK_ENQUEUE.replace('mod-hr-101', 'mod-hr-102'), { '<token>': TOKEN })).body)
  const jobId = enqueued.data.jobs[0].job_id
  const stream = await fetch(`http://127.0.0.1:${port}/api/flashcards/orchestrator/jobs/${jobId}/events`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  })
  t.equal(stream.status, 200)
  const text = stream.text()
  server.signal('SIGTERM')
  const { code } = await server.exited
  t.equal(code, 0, 'exit code 0')
  t.match(await text, /^event: state$/m, 'the stream got its state and was ended by the shutdown')
  t.match(server.output(), /"signal":"SIGTERM","msg":"shutting down"/)
  t.notOk(server.output().includes(TOKEN), 'no token in the logs')
})
