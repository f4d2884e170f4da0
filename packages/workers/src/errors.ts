import { UnrecoverableError } from 'bullmq'
import { codedError } from '@flashcards/queue-core'

/*
 * Every error class of the workers, declared once with queue-core's `codedError`: a code, the
 * HTTP status it stands for, and whether another attempt may succeed. Those that must fail the
 * job at once extend BullMQ's UnrecoverableError, which BullMQ recognises by class.
 */

/**
 * Thrown by a processor when an upstream service (an LLM API, a speech-to-text server) asks us
 * to slow down. The runtime pauses the whole queue for `delayMs` through BullMQ's rate limiter,
 * so every worker process backs off, and puts the job back without using up one of its attempts.
 */
export class RateLimitedError extends codedError({ code: 'RATE_LIMITED', statusCode: 429, retryable: true }) {
  readonly delayMs: number
  constructor(delayMs: number, message: string, options: { cause?: unknown } = {}) {
    super(message, options)
    this.delayMs = Math.max(1, Math.ceil(delayMs))
  }
}

/** The attempt ran past JOB_TIMEOUT_MS; its work was aborted. Retried like any other failure. */
export class JobTimeoutError extends codedError({ code: 'JOB_TIMEOUT', statusCode: 504, retryable: true }) {
  constructor(timeoutMs: number) {
    super(`Job attempt timed out after ${timeoutMs} ms (JOB_TIMEOUT_MS); its work was aborted`)
  }
}

/** The job was cancelled through the API; a cancelled job must not be retried. */
export class JobCancelledError extends codedError({ code: 'JOB_CANCELLED', statusCode: 409, retryable: false }, UnrecoverableError) {
  constructor(jobId: string) {
    super(`Job ${jobId} was cancelled`)
  }
}

/** The course or module does not exist in the content source; retrying cannot help. */
export class ContentNotFoundError extends codedError({ code: 'CONTENT_NOT_FOUND', statusCode: 404, retryable: false }, UnrecoverableError) {}

/**
 * A file or webhook URL resolves to a loopback, private or otherwise non-public address. The code
 * is errno-style because the error surfaces through a socket's DNS lookup.
 */
export class RefusedAddressError extends codedError({ code: 'EREFUSEDADDRESS', statusCode: 403, retryable: false }) {
  constructor(host: string, address: string, reason: string) {
    super(`refused to fetch from ${host}: it resolves to ${address}, ${reason} (set ALLOW_PRIVATE_FILE_URLS=true to allow private addresses)`)
  }
}

/**
 * A file of a transcription job could not be read or transcribed. `retryable` says whether
 * another attempt may succeed (timeouts, 5xx, dropped connections) or not (404, too large,
 * corrupt, unsupported, refused address); `toJobError` turns the latter into BullMQ's
 * UnrecoverableError so the job fails at once.
 */
export class FileProblem extends codedError({ code: 'FILE_PROBLEM', statusCode: 422, retryable: false }) {
  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options)
  }
}

/**
 * An upstream service (an LLM, a speech-to-text server) refused the request in a way another
 * attempt cannot change: credentials, the day's quota, an unknown model, a request it rejects.
 */
export class ProviderRefusedError extends codedError({ code: 'PROVIDER_REFUSED', statusCode: 502, retryable: false }, UnrecoverableError) {}

/** An upstream service failed or timed out (5xx, 408): another attempt, after the backoff, may succeed. */
export class ProviderUnavailableError extends codedError({ code: 'PROVIDER_UNAVAILABLE', statusCode: 503, retryable: true }) {}

/**
 * Whether BullMQ fails the job without retries: the test of its own `shouldRetryJob`, by class, or
 * by the name it gives its class for an error made by another copy of bullmq (a host's config module).
 */
export function isUnrecoverable(err: unknown): boolean {
  return err instanceof UnrecoverableError || (err instanceof Error && err.name === 'UnrecoverableError')
}

/** An LLM's answer was not the JSON asked for, even after one repair request: another attempt would ask the same model the same way. */
export class MalformedOutputError extends codedError({ code: 'MALFORMED_OUTPUT', statusCode: 502, retryable: false }, UnrecoverableError) {
  constructor(provider: string, model: string, problems: string[]) {
    super(`${provider} (${model}) returned output that is not valid for the schema, also after a repair request: ${problems.slice(0, 5).join('; ')}`)
  }
}

/** A failure that retrying cannot fix (bad credentials, invalid payload, quota exhausted). */
export { UnrecoverableError }
