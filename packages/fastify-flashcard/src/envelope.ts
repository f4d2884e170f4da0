import Type, { type TSchema } from 'typebox'
import { redact, redactText } from '@flashcards/queue-core'
import type { ApiErrorCode, EnvelopeError } from './errors.js'

export const ErrorBody = Type.Object(
  {
    code: Type.String({ description: 'Stable machine-readable code, e.g. VALIDATION_ERROR, NOT_FOUND, QUEUE_FULL.' }),
    message: Type.String({ description: 'What went wrong, naming the field or the job.' }),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
)

export interface ErrorEnvelope {
  success: false
  error: { code: ApiErrorCode; message: string; details?: Record<string, unknown> }
}

/** What a failure answer is made of: an error of the table, or a client error passed on as it is. */
export type Failure = Pick<EnvelopeError, 'code' | 'statusCode' | 'message' | 'details' | 'retryAfterSeconds'>

/**
 * The envelope of a failure. Every error answer is made here: a driver's message (a Redis URL with
 * its password) or an echoed path holding a token is redacted before it leaves.
 */
export function errorEnvelopeOf(failure: Failure): ErrorEnvelope {
  const details = failure.details ? { details: redact(failure.details) as Record<string, unknown> } : {}
  return { success: false, error: { code: failure.code, message: redactText(failure.message), ...details } }
}

const ERROR_EXAMPLES: Partial<Record<number, { code: ApiErrorCode; message: string }>> = {
  400: { code: 'VALIDATION_ERROR', message: 'body.settings.target_card_count must be <= 200' },
  401: { code: 'UNAUTHORIZED', message: 'Missing credentials: send the header "Authorization: Bearer <token>"' },
  404: { code: 'NOT_FOUND', message: 'Job 3f0c2a9e-7b1d-4c55-9a0e-2f5b8c1d9e47 not found' },
  409: { code: 'CONFLICT', message: 'Job 3f0c2a9e-7b1d-4c55-9a0e-2f5b8c1d9e47 is active; only failed or completed jobs can be retried' },
  413: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is larger than 2097152 bytes' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Content-Type "text/plain" is not supported: send application/json' },
  429: { code: 'QUEUE_FULL', message: 'The orchestrator queue holds 1000 waiting jobs (limit 1000); try again later' },
  501: { code: 'NOT_IMPLEMENTED', message: 'Job logs are not configured on this server' },
  503: { code: 'UNAVAILABLE', message: 'Redis is unreachable; the job store is unavailable, try again shortly' },
}

/** The failure envelope of one status, with an example for the OpenAPI document. */
export function errorEnvelope(status: number): TSchema {
  const example = ERROR_EXAMPLES[status] ?? { code: 'INTERNAL_ERROR', message: 'Internal server error' }
  return Type.Object(
    { success: Type.Literal(false), error: ErrorBody },
    { additionalProperties: false, description: `Failure (${status})`, examples: [{ success: false, error: example }] },
  )
}

/** The success envelope around `data`, with an example for the OpenAPI document. */
export function dataEnvelope(data: TSchema, example: unknown, description = 'Success'): TSchema {
  return Type.Object(
    { success: Type.Literal(true), data },
    { additionalProperties: false, description, examples: [{ success: true, data: example }] },
  )
}

/**
 * The `response` map of a route: its success schemas plus the error envelope for each failure
 * status it can answer. 400, 401 and 500 apply to every authenticated route.
 */
export function responses(success: Record<number, TSchema>, failures: number[], authenticated = true): Record<number, TSchema> {
  const statuses = new Set([400, 500, ...(authenticated ? [401] : []), ...failures])
  const out: Record<number, TSchema> = { ...success }
  for (const status of [...statuses].sort()) out[status] = errorEnvelope(status)
  return out
}
