import Type, { type TSchema } from 'typebox'
import { redact, redactText } from '@flashcards/queue-core'
import { closedComponent, component, nameOf, ref, type Component } from './components.js'
import type { ApiErrorCode, EnvelopeError } from './errors.js'

export const ErrorBody = component(
  'Error',
  Type.Object(
    {
      code: Type.String({ description: 'Stable machine-readable code, e.g. VALIDATION_ERROR, NOT_FOUND, QUEUE_FULL.' }),
      message: Type.String({ description: 'What went wrong, naming the field or the job.' }),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    },
    { additionalProperties: false },
  ),
)

/** Every failure answer: `{ success: false, error }`. */
const ErrorEnvelopeSchema = closedComponent('ErrorEnvelope', { success: Type.Literal(false), error: ref(ErrorBody) })

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

/**
 * A JSON response of a route: its schema (a reference to a named one) and an example, which the
 * OpenAPI document shows beside the reference.
 */
export interface JsonResponse<T extends TSchema = TSchema> {
  description: string
  content: { 'application/json': { schema: T; example: unknown } }
}

function jsonResponse<T extends TSchema>(schema: T, example: unknown, description: string): JsonResponse<T> {
  return { description, content: { 'application/json': { schema, example } } }
}

/** The failure envelope of one status, with an example for the OpenAPI document. */
export function errorEnvelope(status: number): JsonResponse {
  const example = ERROR_EXAMPLES[status] ?? { code: 'INTERNAL_ERROR', message: 'Internal server error' }
  return jsonResponse(ref(ErrorEnvelopeSchema), { success: false, error: example }, `Failure (${status})`)
}

/**
 * The named success envelope `{ success: true, data }` of a named schema: `<Name>Envelope`, e.g.
 * `DeckEnvelope`, so a generated client has one type per answer.
 */
export function envelopeOf<T extends TSchema>(data: Component<T>) {
  return closedComponent(`${nameOf(data)}Envelope`, { success: Type.Literal(true), data: ref(data) })
}

/** A success envelope (by reference), with an example of its data for the OpenAPI document. */
export function dataEnvelope<T extends TSchema>(envelope: Component<T>, example: unknown, description = 'Success') {
  return jsonResponse(ref(envelope), { success: true, data: example }, description)
}

/** What a route's `response` map holds per status: a schema, or a response with its media types. */
export type RouteResponse = TSchema | JsonResponse

/**
 * The `response` map of a route: its success schemas plus the error envelope for each failure
 * status it can answer. 400, 401 and 500 apply to every authenticated route.
 */
export function responses<S extends Record<number, RouteResponse>>(success: S, failures: number[], authenticated = true): S & Record<number, RouteResponse> {
  const statuses = new Set([400, 500, ...(authenticated ? [401] : []), ...failures])
  const out: Record<number, RouteResponse> = { ...success }
  for (const status of [...statuses].sort()) out[status] = errorEnvelope(status)
  return out as S & Record<number, RouteResponse>
}
