/**
 * End to end on a real three-master Redis Cluster, with only REDIS_URL changed: examples/server.ts
 * and `flashcard-workers` processes. 200 jobs through the HTTP API with two orchestrator workers
 * (statuses, an event stream, metrics, health); a transcription job that fans out to per-file
 * child jobs and chains into generation; then three orchestrator workers on the same queue,
 * each job run exactly once, throughput reported for both.
 */
import t, { type Test } from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { waitFor } from '@flashcards/test-support'
import { startRedisCluster } from '@flashcards/test-support/redis'
import { apiClient, jobsStarted, startApi, startOrchestrator, startWorker, type ManagedProcess } from './support/flashcard-stack.js'
import { uniquePrefix } from '@flashcards/test-support/redis'

const TOKEN = 'cluster-e2e-token'
const FIRST_BATCH = 200
const SECOND_BATCH = 150

const cluster = await startRedisCluster(3)
const logDir = mkdtempSync(join(tmpdir(), 'flashcard-cluster-e2e-logs-'))
const contentDir = mkdtempSync(join(tmpdir(), 'flashcard-cluster-e2e-content-'))
const env = {
  REDIS_URL: cluster.url,
  QUEUE_PREFIX: uniquePrefix('cluster-e2e'),
  API_TOKENS: `${TOKEN}:tenant-e2e`,
  LOG_STORE: 'local',
  LOG_DIR: logDir,
  LLM_PROVIDER: 'offline',
  WORKER_CONCURRENCY: '4',
  CONTENT_DIR: contentDir,
  MOCK_FILE_URLS: 'true',
  ENQUEUE_MODULE_JOB_ON_COMPLETE: 'true',
}
const workers: ManagedProcess[] = []
let api: Awaited<ReturnType<typeof startApi>> | undefined
t.teardown(async () => {
  await Promise.all([...workers.map((w) => w.stop()), api?.stop()])
  await cluster.stop()
  rmSync(logDir, { recursive: true, force: true })
  rmSync(contentDir, { recursive: true, force: true })
})

const starting = [startApi(env), startOrchestrator(env, '1'), startOrchestrator(env, '2')] as const
// Register whatever started before looking at failures, so the teardown stops it.
const started = await Promise.allSettled(starting)
for (const result of started.slice(1)) if (result.status === 'fulfilled') workers.push(result.value)
if (started[0].status === 'fulfilled') api = started[0].value
for (const result of started) if (result.status === 'rejected') throw result.reason
const client = apiClient(api!.base, TOKEN)

const moduleText = (i: number) =>
  `# Module ${i}\n\n**Photosynthesis ${i}** is the process by which plants turn light into chemical energy.\n\n` +
  `- Chlorophyll absorbs mostly blue and red light.\n- The Calvin cycle fixes carbon dioxide into sugar.\n\n` +
  `**Stomata** are pores that let gases in and out of a leaf.`

/** Enqueues `count` modules through the API, ten requests at a time; returns the job ids. */
async function enqueue(from: number, count: number): Promise<string[]> {
  const ids: string[] = new Array(count)
  let next = 0
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < count) {
        const i = next++
        const res = await client.post('/orchestrator/generate-batch', {
          mode: 'single_module',
          target: { course_id: 'course-e2e', module_id: `mod-${from + i}` },
          settings: { target_card_count: 3 },
          content: { format: 'markdown', text: moduleText(from + i) },
        })
        if (res.status !== 202) throw new Error(`enqueue answered ${res.status}: ${JSON.stringify(res.body)}`)
        ids[i] = res.body.data.jobs[0].job_id
      }
    }),
  )
  return ids
}

async function metric(name: string): Promise<number> {
  const text = (await client.get('/orchestrator/metrics')).body as string
  const match = new RegExp(`^${name}\\{type="orchestrator"\\} (\\d+)`, 'm').exec(text)
  return match ? Number(match[1]) : NaN
}

/** Every job completed, on its first attempt, with cards; and each one started exactly once across the workers. */
async function checkRanOnce(t: Test, ids: string[], runners: ManagedProcess[]) {
  for (const id of ids) {
    const { status, body } = await client.get(`/orchestrator/jobs/${id}`)
    if (status !== 200 || body.data.state !== 'completed' || body.data.attempts_made !== 1 || !(body.data.result?.cards?.length > 0)) {
      t.fail(`job ${id}: ${status} ${JSON.stringify(body.data ?? body).slice(0, 300)}`)
    }
  }
  const wanted = new Set(ids)
  const starts = runners.flatMap((w) => jobsStarted(w).filter((id) => wanted.has(id)))
  t.equal(starts.length, ids.length, 'as many job starts as jobs')
  t.equal(new Set(starts).size, ids.length, 'each job started exactly once across the worker processes')
  return runners.map((w) => jobsStarted(w).filter((id) => wanted.has(id)).length)
}

t.test(`${FIRST_BATCH} jobs through the API with two worker processes`, async (t) => {
  const started = Date.now()
  const ids = await enqueue(0, FIRST_BATCH)
  const events = client.events(ids[ids.length - 1]!)
  await waitFor('every job to complete', async () => (await metric('flashcard_jobs_completed_total')) === FIRST_BATCH, 90_000, 250)
  const seconds = (Date.now() - started) / 1000

  const names = await events
  t.equal(names[0], 'state', 'the event stream starts with the job state')
  t.equal(names.at(-1), 'completed', 'and ends with its completion')
  const perWorker = await checkRanOnce(t, ids, workers)
  t.ok(
    perWorker.every((n) => n > 0),
    `both workers took jobs (${perWorker.join(' / ')})`,
  )

  t.equal(await metric('flashcard_jobs_enqueued_total'), FIRST_BATCH)
  t.equal(await metric('flashcard_jobs_failed_total'), 0)
  t.equal(await metric('flashcard_workers_alive'), 2)
  const health = await client.get('/orchestrator/health')
  t.equal(health.status, 200)
  t.match(health.body, { success: true, status: 'healthy', data: { jobs_in_queue: 0, jobs_processing: 0 } })
  const page = await client.get('/orchestrator/jobs?state=completed&limit=5')
  t.equal(page.body.data.items.length, 5, 'listing works on the cluster')
  t.comment(
    `cluster, 2 orchestrator processes: ${FIRST_BATCH} jobs in ${seconds.toFixed(1)} s = ${(FIRST_BATCH / seconds).toFixed(1)} jobs/s (per worker ${perWorker.join(' / ')})`,
  )
})

t.test('a transcription job fans out to file jobs and chains into generation on the cluster', async (t) => {
  const transcriber = await startWorker('transcription', env, 'tx')
  workers.push(transcriber)
  const res = await client.post('/transcription/jobs', {
    module_id: 'mod-video',
    course_id: 'course-e2e',
    files: [
      { file_id: 'lecture', url: 'https://cdn.example.com/course-e2e/lecture.mp4', mime_type: 'video/mp4' },
      { file_id: 'notes', url: 'https://cdn.example.com/course-e2e/notes.md' },
    ],
  })
  t.equal(res.status, 202, JSON.stringify(res.body))
  const jobId: string = res.body.data.job_id
  const done = await waitFor(
    'the transcription job to finish',
    async () => {
      const { body } = await client.get(`/transcription/jobs/${jobId}`)
      return ['completed', 'failed'].includes(body.data.state) && body.data
    },
    60_000,
    250,
  )
  t.equal(done.state, 'completed', JSON.stringify(done).slice(0, 500))
  const generationId: string = done.result.generation_job.job_id
  const generated = await waitFor(
    'the chained generation job to finish',
    async () => {
      const { body } = await client.get(`/orchestrator/jobs/${generationId}`)
      return ['completed', 'failed'].includes(body.data.state) && body.data
    },
    60_000,
    250,
  )
  t.equal(generated.state, 'completed', JSON.stringify(generated).slice(0, 500))
  // The chained job read both transcripts the transcription worker stored (cards from them are
  // the offline provider's business, tested in the workers package).
  t.equal(generated.result.stats.documents, 2, 'the chained job read both transcripts')
  t.same(await transcriber.stop(), { code: 0, signal: null }, 'the transcription worker exited cleanly')
  workers.splice(workers.indexOf(transcriber), 1)
})

t.test(`horizontal: three orchestrator processes on one queue, ${SECOND_BATCH} jobs, each exactly once`, async (t) => {
  workers.push(await startOrchestrator(env, '3'))
  await waitFor('three live workers', async () => (await metric('flashcard_workers_alive')) === 3)
  const started = Date.now()
  const ids = await enqueue(FIRST_BATCH, SECOND_BATCH)
  await waitFor('the second batch to complete', async () => (await metric('flashcard_jobs_completed_total')) === FIRST_BATCH + 1 + SECOND_BATCH, 90_000, 250)
  const seconds = (Date.now() - started) / 1000
  const perWorker = await checkRanOnce(t, ids, workers)
  t.ok(
    perWorker.every((n) => n > 0),
    `all three workers took jobs (${perWorker.join(' / ')})`,
  )
  t.equal(await metric('flashcard_jobs_completed_total'), FIRST_BATCH + 1 + SECOND_BATCH, 'no job completed twice')
  t.comment(
    `cluster, 3 orchestrator processes: ${SECOND_BATCH} jobs in ${seconds.toFixed(1)} s = ${(SECOND_BATCH / seconds).toFixed(1)} jobs/s (per worker ${perWorker.join(' / ')})`,
  )
})

t.test('workers drain and exit by themselves on SIGTERM', async (t) => {
  const stopping = workers.splice(0)
  const started = Date.now()
  const ends = await Promise.all(stopping.map((worker) => worker.stop()))
  ends.forEach((end, i) => t.same(end, { code: 0, signal: null }, `${stopping[i]!.name} exited cleanly`))
  t.comment(`workers stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`)
})
