/** Machine-readable codes shared by the API envelope and the workers. */
export type FlashcardErrorCode =
  | 'VALIDATION_ERROR'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'QUEUE_FULL'
  | 'UNAVAILABLE'

/**
 * An expected failure with a stable code. The plugin maps `code` to an HTTP status and puts
 * `message` and `details` in the error envelope as they are, so they must never carry secrets.
 */
export class FlashcardError extends Error {
  readonly code: FlashcardErrorCode
  readonly details: Record<string, unknown> | undefined
  /** Seconds a client should wait before trying again (QUEUE_FULL, UNAVAILABLE). */
  readonly retryAfterSeconds: number | undefined

  constructor(
    code: FlashcardErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'FlashcardError'
    this.code = code
    this.details = options.details
    this.retryAfterSeconds = options.retryAfterSeconds
  }
}
