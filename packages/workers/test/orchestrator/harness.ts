import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FlashcardQueues, loadConfig, type GenerateBatchBody } from '@flashcards/queue-core'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'
import { createLogger } from '../../src/runtime/index.js'
import { startOrchestratorWorker, type OrchestratorWorkerOptions } from '../../src/orchestrator/index.js'
import { finalJob } from '../fixtures/final-job.js'

export const EXAMPLES_CONTENT = fileURLToPath(new URL('../../../../examples/content', import.meta.url))
export const owner = { tenant: 'acme', principal: 'tester' }
export const silent = createLogger({ name: 'orchestrator-test', debug: false, destination: { write: () => {} } })

interface TestLike {
  teardown(fn: () => unknown): void
}

/** A private queue prefix, log directory and queue client for one test, all removed afterwards. */
export async function orchestratorHarness(t: TestLike, env: Record<string, string> = {}) {
  const prefix = uniquePrefix('orchestrator')
  const logDir = await mkdtemp(join(tmpdir(), 'fc-orch-logs-'))
  const config = loadConfig({
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    CONTENT_DIR: EXAMPLES_CONTENT,
    LOG_DIR: logDir,
    JOB_ATTEMPTS: '3',
    WORKER_CONCURRENCY: '2',
    ...env,
  })
  const queues = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: prefix, jobAttempts: config.queue.jobAttempts })
  await queues.ready()
  const workers: { close(): Promise<void> }[] = []
  t.teardown(async () => {
    await Promise.all(workers.map((worker) => worker.close()))
    await queues.close()
    await deletePrefix(prefix)
    await rm(logDir, { recursive: true, force: true })
  })
  const start = async (options: Partial<OrchestratorWorkerOptions> = {}) => {
    const worker = await startOrchestratorWorker({ config, logger: silent, tuning: { drainDelay: 1 }, ...options })
    workers.push(worker)
    return worker
  }
  const generate = (body: GenerateBatchBody) => queues.enqueueGeneration(body, owner)
  const finished = (jobId: string, timeoutMs = 20_000) => finalJob(queues.queue('orchestrator'), jobId, timeoutMs)
  return { prefix, logDir, config, queues, start, generate, finished }
}
