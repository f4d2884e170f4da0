/**
 * Every error queue-core raises, declared once. Each carries the shape the workers' errors and
 * the plugin's (@fastify/error) errors share: a stable `code`, the HTTP `statusCode` an API
 * answers it with, and whether trying again (the request, the job attempt) may succeed.
 */

/** The shape every coded error of the packages has. */
export interface CodedError extends Error {
  readonly code: string
  /** The HTTP status an API answers this failure with. */
  readonly statusCode: number
  /** Whether trying again (the same request later, another job attempt) may succeed. */
  readonly retryable: boolean
  /** Facts a caller can act on (the field, the limit); put in the API envelope as they are, so never secrets. */
  readonly details: Record<string, unknown> | undefined
  /** Seconds a caller should wait before trying again (sent as Retry-After). */
  readonly retryAfterSeconds: number | undefined
}

/** What one class of the table fixes for all its errors. */
export interface ErrorSpec {
  code: string
  statusCode: number
  retryable: boolean
}

export interface CodedErrorOptions {
  details?: Record<string, unknown>
  retryAfterSeconds?: number
  /** Overrides the class's retryability where one class covers both cases (a file that may come back, or not). */
  retryable?: boolean
  cause?: unknown
}

/** A class whose instances are errors; `codedError` extends it (Error, or another library's error such as BullMQ's UnrecoverableError). */
export type ErrorClass = new (message?: string) => Error

/**
 * What `codedError` returns, written out so that the declaration file keeps "is an Error" (an
 * inferred class type is flattened there into a plain object type, which type-aware tools such as
 * ESLint's only-throw-error then take for a non-error).
 */
export type CodedErrorClass = new (message: string, options?: CodedErrorOptions) => CodedError

/**
 * The one factory behind the error classes of queue-core and the workers: a base class whose
 * instances carry `spec` and are named after the class that extends it (`class X extends
 * codedError(…)` makes errors named "X"). `Base` makes them also another library's error, so
 * that library recognises them by class: `codedError(spec, UnrecoverableError)` fails a BullMQ
 * job without retries.
 */
export function codedError(spec: ErrorSpec, Base: ErrorClass = Error): CodedErrorClass {
  return class extends Base implements CodedError {
    readonly code: string = spec.code
    readonly statusCode: number = spec.statusCode
    readonly retryable: boolean
    readonly details: Record<string, unknown> | undefined
    readonly retryAfterSeconds: number | undefined

    constructor(message: string, options: CodedErrorOptions = {}) {
      super(message)
      // Set here rather than through super's options: a Base such as BullMQ's takes the message only.
      if (options.cause !== undefined) this.cause = options.cause
      this.name = new.target.name
      this.retryable = options.retryable ?? spec.retryable
      this.details = options.details
      this.retryAfterSeconds = options.retryAfterSeconds
    }
  }
}

/** Status and retryability of each code an API answers with (the plugin maps these into its envelope). */
export const FLASHCARD_ERROR_CODES = {
  VALIDATION_ERROR: { statusCode: 400, retryable: false },
  NOT_FOUND: { statusCode: 404, retryable: false },
  CONFLICT: { statusCode: 409, retryable: false },
  QUEUE_FULL: { statusCode: 429, retryable: true },
  UNAVAILABLE: { statusCode: 503, retryable: true },
} as const satisfies Record<string, Omit<ErrorSpec, 'code'>>

/** Machine-readable codes shared by the API envelope and the workers. */
export type FlashcardErrorCode = keyof typeof FLASHCARD_ERROR_CODES

/**
 * An expected failure a caller can act on, with one of the codes above. The plugin puts `code`,
 * `message` and `details` in the error envelope as they are, so they must never carry secrets.
 * One class for all those codes (callers tell them apart by `code`), so it is written out rather
 * than built by `codedError`, whose classes fix their code.
 */
export class FlashcardError extends Error implements CodedError {
  readonly statusCode: number
  readonly retryable: boolean
  readonly details: Record<string, unknown> | undefined
  readonly retryAfterSeconds: number | undefined

  constructor(
    readonly code: FlashcardErrorCode,
    message: string,
    options: Omit<CodedErrorOptions, 'retryable'> = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'FlashcardError'
    this.statusCode = FLASHCARD_ERROR_CODES[code].statusCode
    this.retryable = FLASHCARD_ERROR_CODES[code].retryable
    this.details = options.details
    this.retryAfterSeconds = options.retryAfterSeconds
  }
}

/** A variable of the environment is invalid; `problems` has one line per variable (never a secret's value). */
export class ConfigError extends codedError({ code: 'CONFIG_INVALID', statusCode: 500, retryable: false }) {
  readonly problems: string[]
  constructor(problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.problems = problems
  }
}

/** A stored job log that cannot be read back (not JSON, or not a job log). Nothing is overwritten. */
export class JobLogCorruptError extends codedError({ code: 'JOB_LOG_CORRUPT', statusCode: 500, retryable: false }) {
  readonly jobId: string
  readonly location: string
  constructor(jobId: string, location: string, reason: string) {
    super(`Job log ${location} is not a valid job log: ${reason}`)
    this.jobId = jobId
    this.location = location
  }
}

/** A REDIS_URL none of the runbook's forms reads; the message lists the forms and names the part that failed. */
export class RedisUrlError extends codedError({ code: 'REDIS_URL_INVALID', statusCode: 500, retryable: false }) {}

/** Redis aborted a transaction (MULTI) a write needed: nothing of it was written, and the same write again may pass. */
export class TransactionAbortedError extends codedError({ code: 'REDIS_TRANSACTION_ABORTED', statusCode: 503, retryable: true }) {}

/** The S3 job-log store could not read, write or sign a job log (the bucket, the network, the credentials). */
export class JobLogStoreError extends codedError({ code: 'JOB_LOG_STORE_FAILED', statusCode: 503, retryable: true }) {}
