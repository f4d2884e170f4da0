/*
 * Graceful shutdown of the real `flashcard-workers` CLI: SIGTERM while jobs run lets them finish
 * (none is left active, none that was waiting is taken or lost) and the process exits 0 before
 * SHUTDOWN_TIMEOUT_MS; a second signal, or the deadline, ends it at once with exit code 1.
 */
import t, { type Test } from 'tap'
import { FlashcardQueues } from '@flashcards/queue-core'
import { gatedOpenAi, type GatedLlm } from '@flashcards/test-support/llm'
import { waitFor, type ManagedProcess } from '@flashcards/test-support'
import { startWorkerCli, tempDir, waitForWorkerStarted } from './support/processes.js'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

const CONCURRENCY = 2
const JOBS = 5
const DEADLINE_MS = 20_000

interface Fixture {
  queues: FlashcardQueues
  llm: GatedLlm
  worker: ManagedProcess
  jobIds: string[]
}

/** A CLI orchestrator worker busy with CONCURRENCY jobs (held at the model), JOBS - CONCURRENCY waiting. */
async function busyWorker(t: Test, name: string, deadlineMs: number): Promise<Fixture> {
  const prefix = uniquePrefix(`reliability-shutdown-${name}`)
  const logs = tempDir('logs')
  const llm = await gatedOpenAi()
  const queues = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: prefix })
  const worker = startWorkerCli('orchestrator', {
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    LLM_PROVIDER: 'openai-compatible',
    OPENAI_BASE_URL: llm.baseUrl,
    OPENAI_MODEL: 'shutdown-test-model',
    WORKER_CONCURRENCY: String(CONCURRENCY),
    SHUTDOWN_TIMEOUT_MS: String(deadlineMs),
    LOG_DIR: logs.path,
  })
  t.teardown(async () => {
    await worker.stop(1_000)
    await queues.close()
    await llm.close()
    await deletePrefix(prefix)
    logs.remove()
  })
  await waitForWorkerStarted(worker)
  const jobIds: string[] = []
  for (let i = 0; i < JOBS; i++) {
    const [job] = await queues.enqueueGeneration(
      {
        mode: 'single_module',
        target: { course_id: 'course-shutdown', module_id: `mod-shutdown-${i}` },
        settings: { target_card_count: 2 },
        content: { format: 'markdown', text: `# Shutdown ${i}\n\n## Drain ${i}\n\nA draining worker finishes job ${i} before it exits, and takes no new job.` },
      },
      { tenant: 'tenant-shutdown', principal: 'shutdown-test' },
    )
    jobIds.push(job!.job_id)
  }
  await waitFor(`${CONCURRENCY} jobs in flight at the model`, async () => {
    const { active } = await queues.queue('orchestrator').getJobCounts('active')
    return active === CONCURRENCY && llm.held() >= CONCURRENCY
  })
  return { queues, llm, worker, jobIds }
}

async function statesOf(queues: FlashcardQueues, jobIds: string[]): Promise<Record<string, number>> {
  const states: Record<string, number> = {}
  for (const id of jobIds) {
    const state = await queues.queue('orchestrator').getJobState(id)
    states[state] = (states[state] ?? 0) + 1
  }
  return states
}

function waitForLog(worker: ManagedProcess, text: string): Promise<true> {
  return waitFor(`${worker.name} to log "${text}"`, () => worker.output().includes(text))
}

t.test('SIGTERM during load: in-flight jobs finish, nothing is left active, exit 0 before the deadline', async (t) => {
  const { queues, llm, worker, jobIds } = await busyWorker(t, 'drain', DEADLINE_MS)
  const signalledAt = Date.now()
  worker.signal('SIGTERM')
  await waitForLog(worker, 'shutting down: finishing in-flight jobs')
  t.ok(worker.alive(), 'the worker waits for its in-flight jobs instead of exiting')
  t.same(await statesOf(queues, jobIds), { active: CONCURRENCY, waiting: JOBS - CONCURRENCY }, 'the in-flight jobs are still running')

  llm.open()
  const exit = await worker.exited
  const exitMs = Date.now() - signalledAt
  t.same(exit, { code: 0, signal: null }, 'the process exits 0')
  t.ok(exitMs < DEADLINE_MS, `it exits before its ${DEADLINE_MS} ms deadline (${exitMs} ms)`)
  const states = await statesOf(queues, jobIds)
  t.same(states, { completed: CONCURRENCY, waiting: JOBS - CONCURRENCY }, 'the in-flight jobs completed; the waiting ones are untouched for the next worker')
  t.equal((await queues.queue('orchestrator').getJobCounts('active')).active, 0, 'no job is left active')
  t.comment(
    `graceful shutdown: jobs=${JOBS} in_flight_at_sigterm=${CONCURRENCY} completed_during_drain=${states.completed} left_waiting=${states.waiting} left_active=0 exit_code=${exit.code} exit_ms=${exitMs} deadline_ms=${DEADLINE_MS}`,
  )
})

t.test('a second signal forces the exit at once', async (t) => {
  const { queues, worker, jobIds } = await busyWorker(t, 'force', DEADLINE_MS)
  worker.signal('SIGTERM')
  await waitForLog(worker, 'shutting down: finishing in-flight jobs')
  const secondAt = Date.now()
  worker.signal('SIGINT')
  const exit = await worker.exited
  const exitMs = Date.now() - secondAt
  t.same(exit, { code: 1, signal: null }, 'the process exits 1 on the second signal')
  t.ok(exitMs < 5_000, `without waiting for the jobs or the ${DEADLINE_MS} ms deadline (${exitMs} ms)`)
  t.match(worker.output(), /second signal: exiting now/, 'it says why')
  // The model never answered: the jobs stay locked until their lock expires, then stalled recovery runs them again.
  t.same(await statesOf(queues, jobIds), { active: CONCURRENCY, waiting: JOBS - CONCURRENCY }, 'the interrupted jobs are not lost: still active, to be recovered as stalled')
  t.comment(`forced shutdown: second_signal_to_exit_ms=${exitMs} exit_code=${exit.code} interrupted_jobs=${CONCURRENCY}`)
})

t.test('jobs still running at SHUTDOWN_TIMEOUT_MS: the process exits 1 at the deadline', async (t) => {
  const deadline = 2_000
  const { worker } = await busyWorker(t, 'deadline', deadline)
  const signalledAt = Date.now()
  worker.signal('SIGTERM')
  const exit = await worker.exited
  const exitMs = Date.now() - signalledAt
  t.same(exit, { code: 1, signal: null }, 'exit code 1: the drain did not finish')
  t.ok(exitMs >= deadline - 100 && exitMs < deadline + 3_000, `it exits at the deadline (${exitMs} ms for ${deadline} ms)`)
  t.match(worker.output(), /shutdown deadline passed/, 'it says why')
  t.comment(`shutdown deadline: deadline_ms=${deadline} exit_ms=${exitMs} exit_code=${exit.code}`)
})
