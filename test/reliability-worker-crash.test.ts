/*
 * Runbook "Job Stuck in Active State": a worker process is killed with SIGKILL in the middle of
 * its jobs. Another worker process recovers them as stalled and completes each exactly once; the
 * result hook (the side effect a host relies on) and the job log are written once per job; the log
 * keeps the killed attempt's start and says it was lost.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { FlashcardQueues, type JobLogDocument } from '@flashcards/queue-core'
import { fakeOpenAi, modelAnswer } from '@flashcards/test-support/llm'
import { tailOf, waitFor } from '@flashcards/test-support'
import { readMarkers, startTunedWorker, tempDir, waitForWorkerStarted } from './support/processes.js'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

const JOBS = 4
/** Short enough for a test; the experiment in RELIABILITY.md sets it huge to show the test then fails. */
const STALLED_INTERVAL_MS = 1_000
const LOCK_DURATION_MS = 3_000

function moduleText(i: number): string {
  return [
    `# Crash drill ${i}`,
    '',
    `## Lockout procedure ${i}`,
    '',
    `Marker crash-job-${i}. Before servicing a machine the technician isolates every energy source and applies a personal lock.`,
    'The lock stays on until the technician who applied it removes it after the work is finished.',
    '',
    `## Verification ${i}`,
    '',
    'After isolation the technician tries to start the machine to verify that no stored energy remains.',
  ].join('\n')
}

t.test('a worker killed with SIGKILL mid-job: its jobs are recovered as stalled and completed once by another worker', async (t) => {
  const prefix = uniquePrefix('reliability-crash')
  const markers = tempDir('markers')
  const logs = tempDir('logs')
  // The model answers nothing until the first worker is dead: its jobs are provably in flight.
  let released = false
  const llm = await fakeOpenAi((request) => (released ? { kind: 'answer', text: modelAnswer(request) } : { kind: 'hang' }))
  const queues = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: prefix })
  const env = {
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    LLM_PROVIDER: 'openai-compatible',
    OPENAI_BASE_URL: `${llm.url}/v1`,
    OPENAI_MODEL: 'crash-test-model',
    WORKER_CONCURRENCY: String(JOBS),
    LOG_DIR: logs.path,
  }
  const tuning = { stalledIntervalMs: STALLED_INTERVAL_MS, lockDurationMs: LOCK_DURATION_MS, markerDir: markers.path }
  const first = startTunedWorker('worker-A', tuning, env)
  let second: ReturnType<typeof startTunedWorker> | undefined
  t.teardown(async () => {
    await Promise.all([first.stop(), second?.stop()])
    await queues.close()
    await llm.close()
    await deletePrefix(prefix)
    markers.remove()
    logs.remove()
  })
  await waitForWorkerStarted(first)

  const owner = { tenant: 'tenant-crash', principal: 'crash-test' }
  const jobIds: string[] = []
  for (let i = 0; i < JOBS; i++) {
    const [job] = await queues.enqueueGeneration(
      {
        mode: 'single_module',
        target: { course_id: 'course-crash', module_id: `mod-crash-${i}` },
        settings: { target_card_count: 3 },
        content: { format: 'markdown', text: moduleText(i) },
      },
      owner,
    )
    jobIds.push(job!.job_id)
  }

  const queue = queues.queue('orchestrator')
  await waitFor(
    `worker-A to be inside all ${JOBS} jobs (active, each waiting on the model)`,
    async () => {
      const counts = await queue.getJobCounts('active')
      const asked = new Set(llm.requests.flatMap((r) => [...r.prompt.matchAll(/crash-job-(\d+)/g)].map((m) => m[1])))
      return counts.active === JOBS && asked.size === JOBS
    },
    30_000,
  )
  const hungRequests = llm.requests.length

  first.signal('SIGKILL')
  const killed = await first.exited
  t.equal(killed.signal, 'SIGKILL', 'worker-A died of SIGKILL, without any chance to clean up')
  const killedAt = Date.now()
  t.equal((await queue.getJobCounts('active')).active, JOBS, 'its jobs are left active (locked by a dead worker)')

  released = true
  second = startTunedWorker('worker-B', tuning, env)
  await waitForWorkerStarted(second)
  const secondReadyAt = Date.now()
  await waitFor(`all ${JOBS} jobs to complete on worker-B`, async () => (await queue.getJobCounts('completed')).completed === JOBS, 30_000).catch((err: Error) => {
    throw new Error(`${err.message}\n${tailOf(second)}`)
  })
  const recoveryMs = Date.now() - killedAt
  const recoveryAfterStartMs = Date.now() - secondReadyAt

  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed')
  t.same(counts, { waiting: 0, active: 0, delayed: 0, completed: JOBS, failed: 0 }, 'no job lost, none failed, none left over')

  const calls = readMarkers(markers.path)
  let stalledRecoveries = 0
  let lostAttempts = 0
  for (const jobId of jobIds) {
    const job = await queue.getJob(jobId)
    t.ok(job, `job ${jobId} exists`)
    stalledRecoveries += job!.stalledCounter
    t.equal(job!.stalledCounter, 1, `job ${jobId} was recovered as stalled exactly once`)
    t.ok((job!.returnvalue as { cards?: unknown[] }).cards?.length, `job ${jobId} has cards`)
    t.same(calls.get(jobId), [String(second.pid)], `the result hook of ${jobId} ran once, on worker-B`)
    const log = JSON.parse(readFileSync(join(logs.path, `${jobId}.json`), 'utf8')) as JobLogDocument
    t.equal(log.status, 'completed', `the log of ${jobId} says completed`)
    t.equal(log.entries.filter((e) => e.step === 'job_complete').length, 1, `the log of ${jobId} records one completion`)
    const starts = log.entries.filter((e) => e.step === 'job_start')
    t.same(
      starts.map((e) => [e.attempt, String(e.data?.worker).split(':')[1]]),
      [
        [1, String(first.pid)],
        [2, String(second.pid)],
      ],
      `the log of ${jobId} records both starts: worker-A's killed attempt and worker-B's`,
    )
    t.match(
      log.entries.filter((e) => e.step === 'attempt_lost'),
      [{ attempt: 2, data: { lost_attempt: 1 } }],
      `and that attempt 1 was lost`,
    )
    lostAttempts += log.entries.filter((e) => e.step === 'attempt_lost').length
  }
  t.equal(calls.size, JOBS, 'the result hook ran for these jobs only')
  t.match(second.output(), /job stalled/, 'worker-B reports the stalled jobs it took over')

  t.comment(
    `worker crash: jobs=${JOBS} kills=1 (SIGKILL) stalled_recoveries=${stalledRecoveries} lost_attempts_in_logs=${lostAttempts} completed=${counts.completed} failed=${counts.failed} ` +
      `result_hook_calls=${[...calls.values()].flat().length} llm_requests_hung_at_kill=${hungRequests} llm_requests_total=${llm.requests.length} ` +
      `kill_to_all_completed_ms=${recoveryMs} worker_B_ready_to_all_completed_ms=${recoveryAfterStartMs} (stalledInterval=${STALLED_INTERVAL_MS} lockDuration=${LOCK_DURATION_MS})`,
  )
})
