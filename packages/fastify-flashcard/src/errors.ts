import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { clientSafeText, FlashcardError, formatSchemaErrors, redact, redactText, type SchemaError } from '@flashcards/queue-core'
import { AuthError } from './auth.js'
import { API_ERROR_STATUS, ApiError, type ApiErrorCode, type ErrorEnvelope } from './envelope.js'

interface Failure {
  status: number
  code: ApiErrorCode
  message: string
  details?: Record<string, unknown>
  retryAfterSeconds?: number
}

/** Fastify names the query string `querystring`; clients know it as the query. */
const PART_NAMES: Record<string, string> = { querystring: 'query', params: 'params', body: 'body', headers: 'headers' }

function classify(err: unknown, bodyLimit: number): Failure {
  // Both carry a code of the table, optional details and an optional Retry-After.
  if (err instanceof FlashcardError || err instanceof ApiError) {
    return {
      status: API_ERROR_STATUS[err.code],
      code: err.code,
      message: err.message,
      ...(err.details ? { details: err.details } : {}),
      ...(err.retryAfterSeconds !== undefined ? { retryAfterSeconds: err.retryAfterSeconds } : {}),
    }
  }
  if (err instanceof AuthError) return { status: 401, code: 'UNAUTHORIZED', message: err.message }
  const fastifyError = err as Partial<FastifyError> & { validation?: SchemaError[]; validationContext?: string }
  if (Array.isArray(fastifyError.validation)) {
    const root = PART_NAMES[fastifyError.validationContext ?? 'body'] ?? 'body'
    const problems = formatSchemaErrors(fastifyError.validation, root)
    return { status: 400, code: 'VALIDATION_ERROR', message: problems.join('; ') || `${root} is invalid`, details: { problems } }
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: `The request body is larger than ${bodyLimit} bytes` }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'This endpoint accepts application/json only: send the header "Content-Type: application/json"',
      }
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'VALIDATION_ERROR', message: 'body is empty but Content-Type is application/json: send a JSON object' }
  }
  if (fastifyError.statusCode === 400 && (err instanceof SyntaxError || fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY')) {
    return { status: 400, code: 'VALIDATION_ERROR', message: `body is not valid JSON: ${fastifyError.message}` }
  }
  const status = fastifyError.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, code: status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', message: fastifyError.message ?? 'Bad request' }
  }
  // The log has the whole error; the client gets no server paths (a file error names them).
  const message = err instanceof Error ? `Internal server error: ${clientSafeText(err.message)}` : 'Internal server error'
  return { status: 500, code: 'INTERNAL_ERROR', message }
}

export function sendFailure(reply: FastifyReply, failure: Failure): FastifyReply {
  // Every error answer passes here: a driver's message (a Redis URL with its password) or an
  // echoed path holding a token is redacted before it leaves.
  const details = failure.details ? { details: redact(failure.details) as Record<string, unknown> } : {}
  const body: ErrorEnvelope = { success: false, error: { code: failure.code, message: redactText(failure.message), ...details } }
  if (failure.retryAfterSeconds !== undefined) reply.header('retry-after', String(failure.retryAfterSeconds))
  if (failure.status === 401) reply.header('www-authenticate', 'Bearer realm="flashcards"')
  return reply.code(failure.status).send(body)
}

/**
 * Installs the envelope on every failure of the plugin's routes, including Fastify's own
 * (validation, body limit, content type) and unknown paths under the prefix.
 */
export function installErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const failure = classify(err, bodyLimit)
    // The host's logger may not redact: what the plugin logs is redacted here.
    if (failure.status >= 500) request.log.error({ err: redact(err) }, 'flashcard API request failed')
    return sendFailure(reply, failure)
  })
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    sendFailure(reply, {
      status: 404,
      code: 'NOT_FOUND',
      message: `No route ${request.method} ${request.url.split('?')[0]}`,
    }),
  )
}
