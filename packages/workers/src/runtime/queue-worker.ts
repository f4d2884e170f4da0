import { hostname } from 'node:os'
import { Worker, type Job, type WorkerOptions } from 'bullmq'
import {
  closeRedis,
  createJobLogStore,
  createRedis,
  FlashcardQueues,
  JobLogWriter,
  redact,
  HEARTBEAT_INTERVAL_MS,
  isClusterUrl,
  queuePrefixFor,
  type FlashcardConfig,
  type JobLogStore,
  type LlmCallRecord,
  type QueueName,
  type RedisConnection,
  type WorkerQueues,
} from '@flashcards/queue-core'
import { JobCancelledError, JobTimeoutError, RateLimitedError } from './errors.js'
import { jobLogRecorder, type JobLogRecorder } from './job-log-recorder.js'
import type { Logger } from './logger.js'
import { ProgressThrottle } from './progress-throttle.js'

/** What the runtime hands a processor besides the job. */
export interface ProcessorContext {
  /**
   * Aborted when the attempt runs past JOB_TIMEOUT_MS, when the job is cancelled, or when the
   * worker must stop at once. Pass it to every fetch, SDK call and loop: the attempt fails as
   * soon as it aborts, and work that ignores it would go on in the background.
   */
  signal: AbortSignal
  /** The job's log (runbook "Job Logs"): one entry per step, raw stage outputs. */
  log: JobLogRecorder
  /** pino logger bound to the job id. */
  logger: Logger
  /** 1-based number of this attempt. */
  attempt: number
  /**
   * A job-log entry plus `job.updateProgress({ percent, step, message })`. Progress writes are
   * coalesced (at most one per 250 ms, the latest value wins); 100 % is written at once, and
   * whatever is pending is written before the attempt ends.
   */
  progress(percent: number, step: string, message: string, data?: Record<string, unknown>): Promise<void>
  /** Counts a provider call (or stage-cache hit) for /metrics; written with the attempt's outcome in one transaction. */
  recordLlmCall(call: LlmCallRecord): void
  /** Queue client on the worker's command connection: enqueue follow-up jobs, record stats. */
  queues: WorkerQueues
  /** The worker's command connection (not the blocking one), for caches and the like. */
  redis: RedisConnection
}

/**
 * A job processor. Return the job's result, or throw:
 * - `RateLimitedError(delayMs)`: the upstream said slow down; the whole queue pauses, the job
 *   goes back to waiting without using an attempt;
 * - `UnrecoverableError`: fail now, no retries (bad credentials, invalid payload);
 * - anything else: the attempt fails and BullMQ retries with backoff while attempts remain.
 */
export type JobProcessor<Data = unknown, Result = unknown> = (job: Job<Data, Result>, context: ProcessorContext) => Promise<Result>

export interface QueueWorkerOptions<Data, Result> {
  queue: QueueName
  processor: JobProcessor<Data, Result>
  /** Reads redisUrl, queuePrefix, workerConcurrency, jobTimeoutMs, jobAttempts, workerId, stalledIntervalMs, lockDurationMs. */
  config: Readonly<FlashcardConfig>
  logger: Logger
  /** Where job logs are written; default: the store LOG_STORE selects. */
  jobLogStore?: JobLogStore
  /** Cards in a result, counted in the cards-generated metric. */
  countCards?: (result: Result) => number
  /** BullMQ settings tests may shorten; production uses the runbook's values. */
  tuning?: Partial<Pick<WorkerOptions, 'stalledInterval' | 'lockDuration' | 'maxStalledCount' | 'drainDelay'>>
  heartbeatIntervalMs?: number
}

/** A running worker of one queue. */
export interface QueueWorker {
  readonly id: string
  readonly queue: QueueName
  readonly worker: Worker
  readonly queues: WorkerQueues
  /** Stops taking jobs, lets in-flight ones finish, then closes every connection. */
  close(): Promise<void>
  /** Aborts every in-flight job now (used when a shutdown deadline passes). */
  abortInFlight(reason: string): void
}

/** A job whose worker died this many times in a row is failed rather than retried forever (BullMQ's default). */
export const MAX_STALLED_COUNT = 1
/**
 * BullMQ honours a manual `queue.rateLimit()` only on workers that have a limiter, so every
 * worker gets one far above any real throughput: it never throttles on its own.
 */
const LIMITER = { max: 10_000, duration: 1_000 }
const CANCEL_REASON = 'cancel requested'

interface JobIdentityData {
  module_id?: unknown
  course_id?: unknown
  owner?: { tenant?: unknown }
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
  const { queue, config, processor } = options
  const id = [hostname(), process.pid, config.workerId].filter((part) => part !== undefined).join(':')
  const logger = options.logger.child({ queue, worker: id })
  const cluster = isClusterUrl(config.redisUrl)
  const prefix = queuePrefixFor(config.queuePrefix, cluster)

  const open = (role: string): RedisConnection => {
    const connection = createRedis(config.redisUrl, { role: 'worker', connectionName: `flashcard-${queue}-${role}` })
    connection.on('error', (err: Error) => logger.warn({ err: err.message, connection: role }, 'redis connection error'))
    return connection
  }
  const workerConnection = open('worker')
  const commands = open('commands')
  const subscriber = open('cancel-subscriber')
  const queues = new FlashcardQueues({ connection: commands, queuePrefix: config.queuePrefix, jobAttempts: config.jobAttempts })
  const jobLogStore = options.jobLogStore ?? createJobLogStore(config)

  const runAttempt = async (job: Job<Data, Result>, bullSignal: AbortSignal | undefined): Promise<Result> => {
    const jobId = String(job.id)
    const data = (job.data ?? {}) as JobIdentityData
    const attempt = job.attemptsMade + 1
    // Runs put back by the rate limiter keep their attempt number; the log tells each run apart.
    const run = Math.max(job.attemptsStarted, attempt)
    const jobLogger = logger.child({ jobId, attempt })
    const writer = await JobLogWriter.open(jobLogStore, {
      jobId,
      queue,
      attempt: run,
      module_id: typeof data.module_id === 'string' ? data.module_id : null,
      course_id: typeof data.course_id === 'string' ? data.course_id : null,
      tenant: typeof data.owner?.tenant === 'string' ? data.owner.tenant : '',
    })
    const log = jobLogRecorder(writer, jobLogger)
    // A job log that cannot be written is reported, never allowed to fail or hide the job's outcome.
    const save = async (write: () => Promise<unknown>) => {
      await write().catch((err: Error) => jobLogger.error({ err: err.message }, 'could not write the job log'))
    }
    const started = Date.now()
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(new JobTimeoutError(config.jobTimeoutMs)), config.jobTimeoutMs)
    const onBullAbort = () =>
      controller.abort(bullSignal?.reason === CANCEL_REASON ? new JobCancelledError(jobId) : new Error(`Job aborted: ${String(bullSignal?.reason)}`))
    bullSignal?.addEventListener('abort', onBullAbort, { once: true })
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true })
    })
    aborted.catch(() => {})
    const progress = new ProgressThrottle({
      send: (value) => job.updateProgress(value as object),
      onError: (err) => jobLogger.warn({ err: err.message }, 'could not update the job progress'),
      startedAt: started,
    })
    const llmCalls: LlmCallRecord[] = []
    // One transaction per attempt for its statistics; a stats write that fails is reported, never fails the job.
    const recordStats = async (finished?: { outcome: 'SUCCESS' | 'FAILED'; durationSeconds: number; cards?: number }) => {
      await queues
        .recordAttempt(queue, { llmCalls, ...(finished ? { finished } : {}) })
        .catch((err: Error) => jobLogger.warn({ err: err.message }, 'could not record the job statistics'))
    }

    const context: ProcessorContext = {
      signal: controller.signal,
      log,
      logger: jobLogger,
      attempt,
      queues,
      redis: commands,
      progress: async (percent, step, message, extra) => {
        log.info(step, message, extra)
        const value = Math.round(Math.max(0, Math.min(100, percent)))
        await progress.report({ percent: value, step, message }, value === 100)
      },
      recordLlmCall: (call) => {
        llmCalls.push(call)
      },
    }

    jobLogger.info({ name: job.name, module_id: data.module_id, course_id: data.course_id }, 'job started')
    log.info('job_start', `Job started for ${describe(data, job.name)} (attempt ${attempt})`)
    try {
      if (await queues.isCancelRequested(queue, jobId)) throw new JobCancelledError(jobId)
      const result = await Promise.race([processor(job, context), aborted])
      await progress.flush()
      const seconds = (Date.now() - started) / 1000
      const cards = options.countCards?.(result) ?? 0
      log.info('job_complete', `Completed in ${seconds.toFixed(1)} s`, { cards })
      await save(() => writer.finish('completed', { result }))
      await recordStats({ outcome: 'SUCCESS', durationSeconds: seconds, cards })
      jobLogger.info({ seconds, cards }, 'job completed')
      return result
    } catch (caught) {
      // A processor that notices the abort itself throws its own error; report the abort's reason.
      const err = controller.signal.aborted ? controller.signal.reason : caught
      await progress.flush()
      // A parent job (the transcription fan-out) parks itself until its children finish: not a failure.
      if (err instanceof Error && err.name === 'WaitingChildrenError') {
        log.info('waiting_children', 'Waiting for its child jobs; the job resumes when they have finished')
        await save(() => writer.flush())
        await recordStats()
        throw err
      }
      if (err instanceof RateLimitedError) {
        log.warn('rate_limited', `${err.message}; the queue pauses ${err.delayMs} ms and the job waits without using an attempt`)
        await save(() => writer.flush())
        await recordStats()
        jobLogger.warn({ delayMs: err.delayMs }, 'rate limited: pausing the queue')
        await queues.queue(queue).rateLimit(err.delayMs)
        throw Worker.RateLimitError()
      }
      const message = err instanceof Error ? err.message : String(err)
      const final = isUnrecoverable(err) || attempt >= (job.opts.attempts ?? 1)
      log.entry('error', 'job_failed', final ? `Failed: ${message}` : `Attempt failed, will retry: ${message}`)
      await save(() => (final ? writer.finish('failed', { error: err }) : writer.flush()))
      await recordStats(final ? { outcome: 'FAILED', durationSeconds: (Date.now() - started) / 1000 } : undefined)
      jobLogger.warn({ err: message, final }, 'job attempt failed')
      // BullMQ stores the message and stack in Redis, and the API serves them: no secret may be in them.
      throw redact(err)
    } finally {
      clearTimeout(timer)
      bullSignal?.removeEventListener('abort', onBullAbort)
    }
  }

  const worker = new Worker<Data, Result>(
    queue,
    // Three declared parameters: BullMQ passes the abort signal only to processors that take one.
    (job, _token, signal) => runAttempt(job, signal),
    {
      connection: workerConnection,
      prefix,
      concurrency: config.workerConcurrency,
      // STALLED_INTERVAL_MS (runbook: 30 s) and LOCK_DURATION_MS: how soon a dead worker's job runs again.
      stalledInterval: config.stalledIntervalMs,
      lockDuration: config.lockDurationMs,
      maxStalledCount: MAX_STALLED_COUNT,
      limiter: LIMITER,
      autorun: true,
      ...options.tuning,
    },
  )
  worker.on('error', (err) => logger.error({ err: err.message }, 'worker error'))
  worker.on('stalled', (jobId) => logger.warn({ jobId }, 'job stalled: its worker stopped renewing the lock; it will run again'))

  const stopListening = await queues.listenForCancels(subscriber, queue, (jobId) => {
    if (worker.cancelJob(jobId, CANCEL_REASON)) logger.info({ jobId }, 'job cancel requested')
  })

  const beat = () => queues.beat(queue, id).catch((err: Error) => logger.warn({ err: err.message }, 'heartbeat failed'))
  await worker.waitUntilReady()
  await beat()
  const heartbeat = setInterval(beat, options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS)
  heartbeat.unref()
  logger.info({ concurrency: config.workerConcurrency, prefix }, 'worker started')

  let closing: Promise<void> | undefined
  return {
    id,
    queue,
    worker,
    queues,
    abortInFlight: (reason) => worker.cancelAllJobs(reason),
    close: () => {
      closing ??= (async () => {
        clearInterval(heartbeat)
        await worker.close()
        await stopListening().catch(() => {})
        await queues.removeHeartbeat(queue, id).catch(() => {})
        await queues.close()
        await Promise.all([closeRedis(subscriber), closeRedis(commands), closeRedis(workerConnection)])
        logger.info('worker stopped')
      })()
      return closing
    },
  }
}

function isUnrecoverable(err: unknown): boolean {
  return err instanceof Error && err.name === 'UnrecoverableError'
}

function describe(data: JobIdentityData, name: string): string {
  if (typeof data.module_id === 'string') return `module ${data.module_id}`
  if (typeof data.course_id === 'string') return `course ${data.course_id}`
  return name
}
