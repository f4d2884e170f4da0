import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { clientSafeText, formatSchemaErrors, redact, redisFailure, type SchemaError } from '@flashcards/queue-core'
import { errorEnvelopeOf, type Failure } from './envelope.js'
import {
  BodyTooLargeError,
  EmptyJsonBodyError,
  InternalError,
  InvalidJsonError,
  isEnvelopeError,
  OpaqueInternalError,
  RouteNotFoundError,
  SchemaValidationError,
  UnsupportedMediaTypeError,
} from './errors.js'

/** Fastify names the query string `querystring`; clients know it as the query. */
const PART_NAMES: Record<string, string> = { querystring: 'query', params: 'params', body: 'body', headers: 'headers' }

type FastifyFailure = Partial<FastifyError> & { validation?: SchemaError[]; validationContext?: string }

/** Fastify's own refusals of a request (schema, body limit, content type, JSON), in the envelope's words. */
function fromFastify(err: FastifyFailure, bodyLimit: number): Failure | undefined {
  if (Array.isArray(err.validation)) {
    const root = PART_NAMES[err.validationContext ?? 'body'] ?? 'body'
    const problems = formatSchemaErrors(err.validation, root)
    return new SchemaValidationError(problems.join('; ') || `${root} is invalid`, problems)
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new BodyTooLargeError(bodyLimit)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaTypeError()
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new EmptyJsonBodyError()
  }
  if (err.statusCode === 400 && (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY')) {
    return new InvalidJsonError(err.message ?? '')
  }
  return undefined
}

/** What the client is told: the error's own code when it has one of the envelope, else a 4xx as it is, else a 500. */
function classify(err: unknown, bodyLimit: number): Failure {
  if (isEnvelopeError(err)) return err
  // Redis gone or out of memory under any route (a deck write, say): 503, never the driver's or a script's words.
  const redis = redisFailure(err)
  if (redis) return redis
  const fastifyError = err as FastifyFailure
  const known = fromFastify(fastifyError, bodyLimit)
  if (known) return known
  // A client error from elsewhere (a host's verify, another plugin) keeps its status.
  const status = fastifyError.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { statusCode: status, code: status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', message: fastifyError.message ?? 'Bad request' }
  }
  // The log has the whole error; the client gets no server paths (a file error names them).
  return err instanceof Error ? new InternalError(clientSafeText(err.message)) : new OpaqueInternalError()
}

/** Sends a failure in the envelope, with Retry-After when it says how long to wait and the Bearer challenge on a 401. */
export function sendFailure(reply: FastifyReply, failure: Failure): FastifyReply {
  if (failure.retryAfterSeconds !== undefined) reply.header('retry-after', String(failure.retryAfterSeconds))
  if (failure.statusCode === 401) reply.header('www-authenticate', 'Bearer realm="flashcards"')
  return reply.code(failure.statusCode).send(errorEnvelopeOf(failure))
}

/**
 * Installs the envelope on every failure of the plugin's routes, including Fastify's own
 * (validation, body limit, content type) and unknown paths under the prefix.
 */
export function installErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const failure = classify(err, bodyLimit)
    // The host's logger may not redact: what the plugin logs is redacted here.
    if (failure.statusCode >= 500) request.log.error({ err: redact(err) }, 'flashcard API request failed')
    return sendFailure(reply, failure)
  })
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => sendFailure(reply, new RouteNotFoundError(request.method, request.url.split('?')[0] ?? '')))
}
