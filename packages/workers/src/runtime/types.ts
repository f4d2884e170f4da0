import type { Job, Worker, WorkerOptions } from 'bullmq'
import type { FlashcardConfig, JobLogStore, LlmCallRecord, QueueName, RedisConnection, WorkerQueues } from '@flashcards/queue-core'
import type { JobLogRecorder } from './job-log-recorder.js'
import type { Logger } from './logger.js'

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
  progress: (percent: number, step: string, message: string, data?: Record<string, unknown>) => Promise<void>
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
  /** Where job logs are written; default: the store LOG_STORE selects (then closed with the worker). */
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
