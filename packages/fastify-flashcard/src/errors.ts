import createError from '@fastify/error'
import { FLASHCARD_ERROR_CODES, type FlashcardErrorCode } from '@flashcards/queue-core'

/*
 * Every error the plugin raises, declared once with @fastify/error (as Fastify core's
 * lib/errors.js does): a code, a message (a util.format string) and a status. The errors a client
 * sees have the envelope's `error.code` as their code; the error handler answers any error whose
 * code is one of API_ERROR_STATUS with that code, its message and its status.
 */

/** Every `error.code` the API answers with. */
export type ApiErrorCode =
  FlashcardErrorCode | 'UNAUTHORIZED' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE' | 'NOT_IMPLEMENTED' | 'BAD_REQUEST' | 'RATE_LIMITED' | 'INTERNAL_ERROR'

const QUEUE_CORE_STATUS = Object.fromEntries(Object.entries(FLASHCARD_ERROR_CODES).map(([code, spec]) => [code, spec.statusCode])) as Record<FlashcardErrorCode, number>

/** The HTTP status of each envelope code: queue-core's codes with its statuses, and the plugin's own. */
export const API_ERROR_STATUS: Record<ApiErrorCode, number> = {
  ...QUEUE_CORE_STATUS,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  NOT_IMPLEMENTED: 501,
}

/** What the envelope adds to an error's code and message. */
interface Extras {
  details?: Record<string, unknown>
  retryAfterSeconds?: number
  cause?: unknown
}

/** The shape the error handler answers with: any error of the table, and queue-core's FlashcardError. */
export interface EnvelopeError extends Error {
  code: ApiErrorCode
  statusCode: number
  details?: Record<string, unknown> | undefined
  retryAfterSeconds?: number | undefined
}

/** Whether `err` is one the envelope answers as it is (its code is an envelope code), rather than a 500. */
export function isEnvelopeError(err: unknown): err is EnvelopeError {
  const { code, statusCode } = (err ?? {}) as { code?: unknown; statusCode?: unknown }
  return err instanceof Error && typeof code === 'string' && code in API_ERROR_STATUS && typeof statusCode === 'number'
}

const PLACEHOLDER = /%[sdifjoOc]/g

/**
 * One client-facing row of the table: @fastify/error's class for `code` (its status from
 * API_ERROR_STATUS) and `message`. Its constructor takes the message's arguments first, then any
 * that only `extras` needs; `extras` derives the envelope's details and Retry-After from them, so a
 * call site names each fact once.
 */
function apiError<Args extends unknown[] = []>(code: ApiErrorCode, message: string, extras?: (...args: Args) => Extras) {
  const Coded = createError<string, number, unknown[]>(code, message, API_ERROR_STATUS[code])
  // util.format would append arguments beyond the placeholders to the message.
  const formatted = message.match(PLACEHOLDER)?.length ?? 0
  return class extends Coded implements EnvelopeError {
    declare code: ApiErrorCode
    declare statusCode: number
    readonly details: Record<string, unknown> | undefined
    readonly retryAfterSeconds: number | undefined
    constructor(...args: Args) {
      super(...args.slice(0, formatted))
      const { details, retryAfterSeconds, cause } = extras?.(...args) ?? {}
      this.details = details
      this.retryAfterSeconds = retryAfterSeconds
      if (cause !== undefined) this.cause = cause
    }
  }
}

/** Seconds a client refused for load (the event loop, the metrics' Redis) should wait. */
const OVERLOAD_RETRY_AFTER_SECONDS = 5
/** Seconds a client refused an event stream should wait: streams free up as jobs finish or time out. */
const STREAMS_RETRY_AFTER_SECONDS = 10

// 400: Fastify's own refusals of a request, in the envelope's words.
export const SchemaValidationError = apiError('VALIDATION_ERROR', '%s', (_message: string, problems: string[]) => ({ details: { problems } }))
export const EmptyJsonBodyError = apiError('VALIDATION_ERROR', 'body is empty but Content-Type is application/json: send a JSON object')
export const InvalidJsonError = apiError<[reason: string]>('VALIDATION_ERROR', 'body is not valid JSON: %s')

// 401: the message never echoes the token.
export const MissingCredentialsError = apiError('UNAUTHORIZED', 'Missing credentials: send the header "Authorization: Bearer <token>"')
export const MalformedAuthorizationError = apiError('UNAUTHORIZED', 'Malformed Authorization header: expected "Bearer <token>"')
export const InvalidTokenError = apiError('UNAUTHORIZED', 'Invalid bearer token')

// 404: another tenant's job, deck or card is indistinguishable from a missing one.
export const RouteNotFoundError = apiError<[method: string, path: string]>('NOT_FOUND', 'No route %s %s')
export const JobNotFoundError = apiError('NOT_FOUND', 'Job %s not found', (jobId: string) => ({ details: { job_id: jobId } }))
export const CourseDecksNotFoundError = apiError('NOT_FOUND', 'No decks for course %s', (courseId: string) => ({
  details: { course_id: courseId },
}))
export const DeckNotFoundError = apiError('NOT_FOUND', 'No deck for module %s of course %s', (moduleId: string, courseId: string) => ({
  details: { course_id: courseId, module_id: moduleId },
}))
export const RevisionNotFoundError = apiError('NOT_FOUND', 'Revision %s of the deck of module %s not found', (revision: number, _moduleId: string) => ({
  details: { revision },
}))
export const CardNotFoundError = apiError('NOT_FOUND', 'Card %s not found in the deck of module %s', (cardId: string, moduleId: string, courseId: string) => ({
  details: { course_id: courseId, module_id: moduleId, card_id: cardId },
}))

// 413, 415: bodies the plugin does not read.
export const BodyTooLargeError = apiError<[limit: number]>('PAYLOAD_TOO_LARGE', 'The request body is larger than %d bytes')
export const UnsupportedMediaTypeError = apiError('UNSUPPORTED_MEDIA_TYPE', 'This endpoint accepts application/json only: send the header "Content-Type: application/json"')

// 429, 503: try again later (with Retry-After).
export const TooManyRequestsError = apiError(
  'RATE_LIMITED',
  'Too many requests: at most %d per %d s for this tenant; try again later',
  (max: number, _windowSeconds: number, windowMs: number, retryAfterSeconds: number) => ({
    retryAfterSeconds,
    details: { limit: max, window_ms: windowMs },
  }),
)
export const TooManyStreamsError = apiError(
  'RATE_LIMITED',
  'Too many open event streams for this tenant (limit %d); close some or try again later',
  (limit: number, open: number) => ({ retryAfterSeconds: STREAMS_RETRY_AFTER_SECONDS, details: { open, limit } }),
)
export const StreamsExhaustedError = apiError('UNAVAILABLE', 'The server holds as many event streams as it allows; try again shortly', () => ({
  retryAfterSeconds: STREAMS_RETRY_AFTER_SECONDS,
}))
export const OverloadedError = apiError('UNAVAILABLE', 'The server is overloaded; try again shortly', () => ({
  retryAfterSeconds: OVERLOAD_RETRY_AFTER_SECONDS,
}))
export const MetricsUnavailableError = apiError('UNAVAILABLE', 'Redis is unreachable; metrics are unavailable, try again shortly', (cause: unknown) => ({
  retryAfterSeconds: OVERLOAD_RETRY_AFTER_SECONDS,
  cause,
}))
/** The health check's 503 (its body adds the report to the envelope; load balancers poll again on their own). */
export const UnhealthyError = apiError<[reason: string]>('UNAVAILABLE', '%s')

// 500: the log has the whole error; the client gets its message without server paths.
export const InternalError = apiError<[message: string]>('INTERNAL_ERROR', 'Internal server error: %s')
export const OpaqueInternalError = apiError('INTERNAL_ERROR', 'Internal server error')

// 501: features this server was not given.
export const LogsNotConfiguredError = apiError('NOT_IMPLEMENTED', 'Job logs are not configured on this server (no log store was given to the plugin)')
export const LogLinksUnsupportedError = apiError<[store: string]>(
  'NOT_IMPLEMENTED',
  'query.link: download links need the S3 log store (LOG_STORE=s3); this server keeps logs in the "%s" store, so read the document without link',
)

/**
 * A refusal with any code of the envelope, for a host's own code that answers inside the plugin's
 * envelope; the plugin itself raises the named errors above.
 */
export class ApiError extends Error implements EnvelopeError {
  readonly statusCode: number
  readonly details: Record<string, unknown> | undefined
  readonly retryAfterSeconds: number | undefined

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; retryAfterSeconds?: number } = {},
  ) {
    super(message)
    this.name = 'ApiError'
    this.statusCode = API_ERROR_STATUS[code]
    this.details = options.details
    this.retryAfterSeconds = options.retryAfterSeconds
  }
}

/*
 * Failures of the host's setup or of the plugin itself: thrown at registration or reported as a 500,
 * never answered with their own code.
 */
export const InvalidOptionError = createError<'FLASHCARD_INVALID_OPTION', 500, [problem: string]>('FLASHCARD_INVALID_OPTION', 'fastify-flashcard: %s', 500, TypeError)
export const AlreadyRegisteredError = createError(
  'FLASHCARD_ALREADY_REGISTERED',
  'fastify-flashcard is already registered on this instance (fastify.flashcards exists); register it once',
  500,
)
export const InvalidPrincipalError = createError(
  'FLASHCARD_INVALID_PRINCIPAL',
  'fastify-flashcard: auth.verify must return { id (1-256 chars), tenant (1-128 chars) } or null',
  500,
  TypeError,
)
export const MissingPrincipalError = createError('FLASHCARD_MISSING_PRINCIPAL', 'fastify-flashcard: route reached without an authenticated principal', 500)
export const EventHubClosedError = createError('FLASHCARD_EVENT_HUB_CLOSED', 'fastify-flashcard: the job event hub is closed', 500)
export const ReviewAssetsMissingError = createError<'FLASHCARD_REVIEW_ASSETS_MISSING', 500, [dir: string]>(
  'FLASHCARD_REVIEW_ASSETS_MISSING',
  'fastify-flashcard: the review page assets are missing (looked beside %s)',
  500,
)
/** API_TOKENS (parseApiTokens): the messages name an entry's position, never a token. */
export const ApiTokensMissingError = createError<'FLASHCARD_API_TOKENS_MISSING', 500, [variable: string, example: string]>(
  'FLASHCARD_API_TOKENS_MISSING',
  '%s is not set: set it to token:tenant[,token:tenant…], e.g. %s=s3cret-token-a:tenant-a',
  500,
)
export const ApiTokensInvalidError = createError<'FLASHCARD_API_TOKENS_INVALID', 500, [variable: string, problem: string]>('FLASHCARD_API_TOKENS_INVALID', '%s: %s', 500)
