import { UnrecoverableError } from 'bullmq'

/**
 * Thrown by a processor when an upstream service (an LLM API, a speech-to-text server) asks us
 * to slow down. The runtime pauses the whole queue for `delayMs` through BullMQ's rate limiter,
 * so every worker process backs off, and puts the job back without using up one of its attempts.
 */
export class RateLimitedError extends Error {
  readonly delayMs: number
  constructor(delayMs: number, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'RateLimitedError'
    this.delayMs = Math.max(1, Math.ceil(delayMs))
  }
}

/** The attempt ran past JOB_TIMEOUT_MS; its work was aborted. Retried like any other failure. */
export class JobTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`Job attempt timed out after ${timeoutMs} ms (JOB_TIMEOUT_MS); its work was aborted`)
    this.name = 'JobTimeoutError'
  }
}

/**
 * The job was cancelled through the API. Extends UnrecoverableError because a cancelled job
 * must not be retried; BullMQ recognises it by class and by `name`.
 */
export class JobCancelledError extends UnrecoverableError {
  constructor(jobId: string) {
    super(`Job ${jobId} was cancelled`)
    this.name = 'UnrecoverableError'
  }
}

/** A failure that retrying cannot fix (bad credentials, invalid payload, quota exhausted). */
export { UnrecoverableError }
