import { hostname } from 'node:os'
import { Worker, type Job } from 'bullmq'
import { createJobLogStore, queuePrefixFor, isClusterUrl } from '@flashcards/queue-core'
import { CANCEL_REASON } from './abort.js'
import { cancellationScope } from './cancellation.js'
import { openAttempt, type AttemptDeps } from './attempt.js'
import { openConnections } from './connections.js'
import { JobCancelledError } from '../errors.js'
import { startHeartbeat } from './heartbeat.js'
import { completeAttempt, failAttempt } from './outcome.js'
import type { QueueWorker, QueueWorkerOptions } from './types.js'

/** A job whose worker died this many times in a row is failed rather than retried forever (BullMQ's default). */
export const MAX_STALLED_COUNT = 1
/**
 * BullMQ honours a manual `queue.rateLimit()` only on workers that have a limiter, so every
 * worker gets one far above any real throughput: it never throttles on its own.
 */
const LIMITER = { max: 10_000, duration: 1_000 }

/** One attempt of a job: opened, checked for a cancel, run against its timeout, and sorted into completed or failed. */
function attemptRunner<Data, Result>(options: QueueWorkerOptions<Data, Result>, deps: AttemptDeps, cancels: ReturnType<typeof cancellationScope>) {
  const { queue, processor } = options
  const { queues } = deps
  return async (job: Job<Data, Result>, bullSignal: AbortSignal | undefined): Promise<Result> => {
    const attempt = await openAttempt(job, bullSignal, deps)
    const untrack = cancels.track(job)
    try {
      if (await cancels.requested(job)) throw new JobCancelledError(attempt.jobId)
      const result = await Promise.race([processor(job, attempt.context), attempt.aborted])
      return await completeAttempt(attempt, result, options.countCards?.(result) ?? 0)
    } catch (caught) {
      return await failAttempt(attempt, caught, job, queues, queue)
    } finally {
      untrack()
      attempt.dispose()
    }
  }
}

/**
 * Starts a BullMQ worker for one queue with the system's lifecycle: concurrency, per-attempt
 * timeout through an AbortSignal, cancellation, rate limiting shared by all workers, stalled-job
 * recovery, job logs, statistics and a heartbeat the API's health check reads.
 *
 * ```ts
 * const handle = await startQueueWorker({
 *   queue: 'orchestrator', config, logger,
 *   processor: async (job, { signal, progress }) => { await progress(50, 'work', 'half way'); return { ok: true } },
 * })
 * await handle.close()
 * ```
 */
export async function startQueueWorker<Data, Result>(options: QueueWorkerOptions<Data, Result>): Promise<QueueWorker> {
  const { queue, config } = options
  const id = [hostname(), process.pid, config.worker.id].filter((part) => part !== undefined).join(':')
  const logger = options.logger.child({ queue, worker: id })
  const prefix = queuePrefixFor(config.queue.prefix, isClusterUrl(config.redis.url))
  const connections = openConnections(config, queue, logger)
  const { queues } = connections
  const jobLogStore = options.jobLogStore ?? createJobLogStore(config)
  const deps: AttemptDeps = { queue, config, queues, redis: connections.commands, jobLogStore, logger, workerId: id }

  const cancels = cancellationScope(queue, queues)

  const runAttempt = attemptRunner(options, deps, cancels)

  const worker = new Worker<Data, Result>(
    queue,
    // Three declared parameters: BullMQ passes the abort signal only to processors that take one.
    (job, _token, signal) => runAttempt(job, signal),
    {
      connection: connections.worker,
      prefix,
      concurrency: config.worker.concurrency,
      // STALLED_INTERVAL_MS (runbook: 30 s) and LOCK_DURATION_MS: how soon a dead worker's job runs again.
      stalledInterval: config.worker.stalledIntervalMs,
      lockDuration: config.worker.lockDurationMs,
      maxStalledCount: MAX_STALLED_COUNT,
      limiter: LIMITER,
      autorun: true,
      ...options.tuning,
    },
  )
  worker.on('error', (err) => connections.outage.error(err, { source: 'worker' }))
  worker.on('stalled', (jobId) => logger.warn({ jobId }, 'job stalled: its worker stopped renewing the lock; it will run again'))

  const stopListening = await queues.listenForCancels(connections.subscriber, queue, (cancelled) => {
    for (const jobId of cancels.reached(cancelled)) if (worker.cancelJob(jobId, CANCEL_REASON)) logger.info({ jobId, cancelled }, 'job cancel requested')
  })
  await worker.waitUntilReady()
  const stopHeartbeat = await startHeartbeat(queues, queue, id, logger, options.heartbeatIntervalMs)
  logger.info({ concurrency: config.worker.concurrency, prefix }, 'worker started')

  let closing: Promise<void> | undefined
  return {
    id,
    queue,
    worker,
    queues,
    abortInFlight: (reason) => worker.cancelAllJobs(reason),
    close: () => {
      closing ??= (async () => {
        await worker.close()
        await stopListening().catch(() => {})
        await stopHeartbeat()
        await connections.close()
        // A store this worker created is its to close (an S3 client's sockets); a store passed in belongs to the caller.
        if (!options.jobLogStore) await jobLogStore.close?.()
        logger.info('worker stopped')
      })()
      return closing
    },
  }
}
