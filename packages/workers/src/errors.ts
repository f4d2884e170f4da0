import { UnrecoverableError } from 'bullmq'
import { codedError } from '@flashcards/queue-core'
import { WORKER_ERRORS as E } from './error-table.js'

/*
 * Every error class of the workers, built with queue-core's `codedError` from its row of
 * `error-table.ts`: a code, the HTTP status it stands for, and whether another attempt may
 * succeed. Those that must fail the job at once extend BullMQ's UnrecoverableError, which BullMQ
 * recognises by class.
 */

export { ExtractionError, type ExtractionFailure } from './extract/types.js'

/**
 * Thrown by a processor when an upstream service (an LLM API, a speech-to-text server) asks us
 * to slow down. The runtime pauses the whole queue for `delayMs` through BullMQ's rate limiter,
 * so every worker process backs off, and puts the job back without using up one of its attempts.
 */
export class RateLimitedError extends codedError(E.RATE_LIMITED) {
  readonly delayMs: number
  constructor(delayMs: number, message: string, options: { cause?: unknown } = {}) {
    super(message, options)
    this.delayMs = Math.max(1, Math.ceil(delayMs))
  }
}

/** The attempt ran past JOB_TIMEOUT_MS; its work was aborted. Retried like any other failure. */
export class JobTimeoutError extends codedError(E.JOB_TIMEOUT) {
  constructor(timeoutMs: number) {
    super(`Job attempt timed out after ${timeoutMs} ms (JOB_TIMEOUT_MS); its work was aborted`)
  }
}

/** The job was cancelled through the API; a cancelled job must not be retried. */
export class JobCancelledError extends codedError(E.JOB_CANCELLED, UnrecoverableError) {
  constructor(jobId: string) {
    super(`Job ${jobId} was cancelled`)
  }
}

/** The course or module does not exist in the content source; retrying cannot help. */
export class ContentNotFoundError extends codedError(E.CONTENT_NOT_FOUND, UnrecoverableError) {}

/** A job whose name or data no processor accepts (anyone with access to Redis can add one); another attempt reads the same data. */
export class InvalidJobError extends codedError(E.INVALID_JOB, UnrecoverableError) {}

/** A module gives no card: no text in its documents, or none of the cards passed validation. The same content gives the same result. */
export class NoCardsError extends codedError(E.NO_CARDS, UnrecoverableError) {}

/** A job's file failed for good (the message says which file and why); also a module job whose files did. */
export class FileFailedError extends codedError(E.FILE_FAILED, UnrecoverableError) {}

/** A media file arrived but no speech-to-text provider is configured: the operator must set one. */
export class SpeechToTextMissingError extends codedError(E.STT_NOT_CONFIGURED, UnrecoverableError) {
  constructor() {
    super(
      'speech-to-text is not configured: set GEMINI_API_KEY (or GOOGLE_AI_API_KEY) to use Gemini, or OPENAI_BASE_URL to use an OpenAI-compatible /v1/audio/transcriptions server',
    )
  }
}

/**
 * A file or webhook URL resolves to a loopback, private or otherwise non-public address. The code
 * is errno-style because the error surfaces through a socket's DNS lookup.
 */
export class RefusedAddressError extends codedError(E.REFUSED_ADDRESS) {
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
export class FileProblem extends codedError(E.FILE_PROBLEM) {
  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options)
  }
}

/**
 * An upstream service (an LLM, a speech-to-text server) refused the request in a way another
 * attempt cannot change: credentials, the day's quota, an unknown model, a request it rejects.
 */
export class ProviderRefusedError extends codedError(E.PROVIDER_REFUSED, UnrecoverableError) {}

/** An upstream service failed or timed out (5xx, 408): another attempt, after the backoff, may succeed. */
export class ProviderUnavailableError extends codedError(E.PROVIDER_UNAVAILABLE) {}

/** A webhook's address is not public: retrying will not make it so. */
export class WebhookRefusedError extends codedError(E.WEBHOOK_REFUSED, UnrecoverableError) {}

/** A webhook receiver answered outside 2xx; the delivery job retries with backoff. */
export class WebhookNotDeliveredError extends codedError(E.WEBHOOK_NOT_DELIVERED) {}

/** A `--config` module that cannot be loaded or exports what the workers cannot use; the message names the file and the key. */
export class HostConfigError extends codedError(E.HOST_CONFIG_INVALID) {}

/** BullMQ aborted an attempt for a reason other than a cancel (its lock lost, the worker closing); another attempt runs it. */
export class JobAbortedError extends codedError(E.JOB_ABORTED) {}

/** A file failed for a reason that may pass (a reset connection, a timeout, a provider unavailable for now); another attempt reads it again. */
export class FileUnreachableError extends codedError(E.FILE_UNREACHABLE) {}

/**
 * An extractor threw something other than an ExtractionError in its sandbox thread (a fault of the
 * extractor or its library, not a verdict on the file); the message names the file. Not BullMQ's
 * class: a module job retries it like any failure, a file job fails the file (as it did for a bare Error).
 */
export class ExtractorFailedError extends codedError(E.EXTRACTOR_FAILED) {}

/** A task given to the extraction thread pool after it closed, or waiting when it closed: the worker is stopping, another may run the job. */
export class ThreadPoolClosedError extends codedError(E.THREAD_POOL_CLOSED) {}

/**
 * Whether BullMQ fails the job without retries: the test of its own `shouldRetryJob`, by class, or
 * by the name it gives its class for an error made by another copy of bullmq (a host's config module).
 */
export function isUnrecoverable(err: unknown): boolean {
  return err instanceof UnrecoverableError || (err instanceof Error && err.name === 'UnrecoverableError')
}

/** An LLM's answer was not the JSON asked for, even after one repair request: another attempt would ask the same model the same way. */
export class MalformedOutputError extends codedError(E.MALFORMED_OUTPUT, UnrecoverableError) {
  constructor(provider: string, model: string, problems: string[]) {
    super(`${provider} (${model}) returned output that is not valid for the schema, also after a repair request: ${problems.slice(0, 5).join('; ')}`)
  }
}

/** BullMQ's class, which every error above that fails a job at once extends. */
export { UnrecoverableError }
