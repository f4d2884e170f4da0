/**
 * The worker runtime shared by the orchestrator and the transcription worker.
 *
 * A processor has the signature
 *
 * ```ts
 * type JobProcessor<Data, Result> = (job: Job<Data, Result>, context: ProcessorContext) => Promise<Result>
 * ```
 *
 * where `context` carries:
 * - `signal`: an AbortSignal aborted on JOB_TIMEOUT_MS, on cancellation and at a forced shutdown;
 *   pass it to every network call. The attempt fails as soon as it aborts.
 * - `progress(percent, step, message, data?)`: `job.updateProgress` plus a job-log entry.
 * - `log`: the job log (`info`, `warn`, `entry`, and `raw(key, value)` for `rawOutputs`).
 * - `logger` (pino, bound to the job), `attempt` (1-based), `queues` (the queue client's worker-facing `WorkerQueues`, on the
 *   worker's command connection) and `redis` (that connection).
 *
 * Throw `RateLimitedError(delayMs, message)` when an upstream asks to slow down (the whole queue
 * pauses and the job waits without using an attempt), `UnrecoverableError` to fail without
 * retries, any other error to fail the attempt (retried with backoff while attempts remain).
 */
export { startQueueWorker, MAX_STALLED_COUNT } from './queue-worker.js'
export type { JobProcessor, ProcessorContext, QueueWorker, QueueWorkerOptions } from './types.js'
export { RateLimitedError, JobTimeoutError, JobCancelledError, UnrecoverableError } from '../errors.js'
export { jobLogRecorder, type JobLogRecorder } from './job-log-recorder.js'
export { createLogger, type CreateLoggerOptions, type Logger } from './logger.js'
export { installShutdown, type ShutdownOptions } from './shutdown.js'
