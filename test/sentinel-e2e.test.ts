/**
 * End to end on Redis Sentinel (password on the data nodes), with only REDIS_URL changed:
 * examples/server.ts and two `flashcard-workers orchestrator` processes while jobs flow through
 * the HTTP API and `SENTINEL FAILOVER` swaps master and replica mid-run. Afterwards the API and
 * both workers keep going (BullMQ's "workers stop after a failover" mode would leave jobs
 * waiting), no accepted job is lost, none is left active, and an event stream opened before the
 * failover still delivers an event that happens after it.
 */
import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { FlashcardQueues } from '../packages/queue-core/src/index.js'
import { waitFor } from '@flashcards/test-support'
import { startRedisSentinel } from '@flashcards/test-support/redis'
import { apiClient, jobsStarted, startApi, startOrchestrator, type ManagedProcess } from './support/flashcard-stack.js'
import { uniquePrefix } from '@flashcards/test-support/redis'

const TOKEN = 'sentinel-e2e-token'
const TOTAL = 150
const FAILOVER_AFTER = 50

// min-replicas-to-write 1: the setting under which a one-replica Sentinel setup keeps every
// acknowledged write through a failover (docs/scaling.md).
const sentinel = await startRedisSentinel({ password: 'e2e-data-pw', minReplicasToWrite: 1 })
const logDir = mkdtempSync(join(tmpdir(), 'flashcard-sentinel-e2e-logs-'))
const env = {
  REDIS_URL: sentinel.url,
  QUEUE_PREFIX: uniquePrefix('sentinel-e2e'),
  API_TOKENS: `${TOKEN}:tenant-e2e`,
  LOG_STORE: 'local',
  LOG_DIR: logDir,
  LLM_PROVIDER: 'offline',
  WORKER_CONCURRENCY: '4',
}
const workers: ManagedProcess[] = []
let api: Awaited<ReturnType<typeof startApi>> | undefined
t.teardown(async () => {
  await Promise.all([...workers.map((w) => w.stop()), api?.stop()])
  await sentinel.stop()
  rmSync(logDir, { recursive: true, force: true })
})

const started = await Promise.allSettled([startApi(env), startOrchestrator(env, '1'), startOrchestrator(env, '2')] as const)
for (const result of started.slice(1)) if (result.status === 'fulfilled') workers.push(result.value)
if (started[0].status === 'fulfilled') api = started[0].value
for (const result of started) if (result.status === 'rejected') throw result.reason
const client = apiClient(api!.base, TOKEN)

interface Accepted {
  job_id: string
  deduplicated: boolean
}

/** One module through the API, retrying while it answers 503 (Redis unavailable), as a client honouring Retry-After would. */
async function enqueue(i: number, retries: { count: number }): Promise<Accepted> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const res = await client.post('/orchestrator/generate-batch', {
      mode: 'single_module',
      target: { course_id: 'course-sentinel', module_id: `mod-${i}` },
      settings: { target_card_count: 3 },
      content: { format: 'markdown', text: `# Module ${i}\n\n**Osmosis ${i}** is the movement of water across a membrane.\n\n- Water moves toward higher solute concentration.` },
    })
    if (res.status === 202) return res.body.data.jobs[0]
    if (res.status !== 503 || Date.now() > deadline) throw new Error(`enqueue answered ${res.status}: ${JSON.stringify(res.body)}`)
    retries.count += 1
    await sleep(200)
  }
}

async function snapshot() {
  const health = await client.get('/orchestrator/health')
  const metrics = (await client.get('/orchestrator/metrics')).body as string
  const read = (name: string) => Number(new RegExp(`^${name}\\{type="orchestrator"\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? NaN)
  return {
    health: health.status,
    in_queue: health.body.data?.jobs_in_queue,
    processing: health.body.data?.jobs_processing,
    enqueued: read('flashcard_jobs_enqueued_total'),
    completed: read('flashcard_jobs_completed_total'),
  }
}

t.test('jobs flow through the API across SENTINEL FAILOVER: none lost, none stuck active', async (t) => {
  const accepted: Accepted[] = []
  const retries = { count: 0 }
  let failover: Promise<{ from: number; to: number }> | undefined
  let before: Awaited<ReturnType<typeof snapshot>> | undefined
  // A transcription job stays waiting (no transcription worker runs): its event stream, opened
  // before the failover, must still carry the job's removal after it.
  const parked = await client.post('/transcription/jobs', {
    module_id: 'mod-parked',
    course_id: 'course-sentinel',
    files: [{ file_id: 'intro', url: 'https://cdn.example.com/intro.mp4', mime_type: 'video/mp4' }],
  })
  t.equal(parked.status, 202, JSON.stringify(parked.body))
  const parkedId: string = parked.body.data.job_id
  const streamed = client.events(parkedId, 150_000, 'transcription')
  const startedAt = Date.now()
  for (let i = 0; i < TOTAL; i++) {
    accepted.push(await enqueue(i, retries))
    if (i + 1 === FAILOVER_AFTER) {
      before = await snapshot()
      failover = sentinel.failover()
    }
    await sleep(20)
  }
  const { from, to } = await failover!
  const failoverDoneAt = Date.now()
  t.not(from, to, 'the master moved')

  const ids = accepted.map((job) => job.job_id)
  t.equal(new Set(ids).size, TOTAL, 'every module got its own job')
  // Completions written in the instant of the switch are recovered by the stalled check
  // (runbook: 30 s), so allow for one lock expiry plus one check.
  const pending = new Set(ids)
  await waitFor(
    'every accepted job to complete',
    async () => {
      for (const id of [...pending]) {
        const { body } = await client.get(`/orchestrator/jobs/${id}`)
        if (body.data?.state === 'completed') pending.delete(id)
      }
      return pending.size === 0
    },
    100_000,
    1_000,
  )
  // Removing the parked job (as DELETE does for generation jobs) must reach its open stream.
  const queues = new FlashcardQueues({ connection: sentinel.url, queuePrefix: env.QUEUE_PREFIX })
  try {
    t.equal(await queues.cancel('transcription', parkedId, 'tenant-e2e'), 'removed')
  } finally {
    await queues.close()
  }
  t.same(await streamed, ['state', 'removed'], 'the event stream opened before the failover delivers an event from after it')
  // Health turns green again once the workers' next heartbeats reach the new master (one written
  // to the old master in the last instant is lost with it): wait for that, within a bound.
  const greenFrom = Date.now()
  await waitFor('health to turn green on the new master', async () => (await client.get('/orchestrator/health')).status === 200, 60_000, 500)
  t.comment(`health green ${((Date.now() - greenFrom) / 1000).toFixed(1)} s after the last job completed`)
  const after = await snapshot()
  const seconds = (Date.now() - startedAt) / 1000

  const starts = workers.flatMap((w) => jobsStarted(w))
  const reruns = starts.length - new Set(starts).size
  t.comment(
    `sentinel failover ${from} → ${to}; before (after ${FAILOVER_AFTER} accepted): ${JSON.stringify(before)}; ` +
      `after: ${JSON.stringify(after)}; ${TOTAL} jobs in ${seconds.toFixed(1)} s, ${retries.count} enqueue retries on 503, ` +
      `${reruns} job runs repeated (completion lost in the switch, recovered as stalled), ` +
      `last job done ${((Date.now() - failoverDoneAt) / 1000).toFixed(1)} s after the failover finished`,
  )

  t.equal(pending.size, 0, 'no accepted job lost')
  t.equal(after.processing, 0, 'no job stuck active')
  t.equal(after.in_queue, 0, 'nothing left waiting')
  t.equal(after.health, 200, 'health is green after the failover')
  const created = accepted.filter((job) => !job.deduplicated).length
  t.equal(after.enqueued, created, 'the enqueued counter counts every job the API created')

  // Both worker processes kept taking jobs after the failover: the late jobs ran on each.
  const late = new Set(ids.slice(FAILOVER_AFTER + 40))
  for (const worker of workers) {
    const count = jobsStarted(worker).filter((id) => late.has(id)).length
    t.ok(count > 0, `${worker.name} ran ${count} of the jobs enqueued after the failover`)
  }
})

t.test('workers drain and exit by themselves on SIGTERM after the failover', async (t) => {
  const stopping = workers.splice(0)
  const ends = await Promise.all(stopping.map((worker) => worker.stop()))
  ends.forEach((end, i) => t.same(end, { code: 0, signal: null }, `${stopping[i]!.name} exited cleanly`))
})
