import type { FastifyInstance, FastifyRequest } from 'fastify'
import { OverloadedError, TooManyRequestsError } from './errors.js'
import type { ResolvedOptions } from './options.js'

/** Counts per tenant once the route's auth hook has run; per client address before (401s, public routes). */
function rateLimitKey(request: FastifyRequest): string {
  const principal = request.flashcardPrincipal
  return principal ? `tenant:${principal.tenant}` : `ip:${request.ip}`
}

/**
 * The optional request limits of the plugin's routes, both loaded lazily so hosts that leave
 * them off load neither package: per-tenant rate limits (@fastify/rate-limit) and 503s while the
 * event loop lags (@fastify/under-pressure). Registered inside the plugin's scope: the host's
 * own routes are not limited.
 */
export async function registerLoadShedding(api: FastifyInstance, options: ResolvedOptions): Promise<void> {
  if (options.maxEventLoopDelayMs !== false) {
    const { default: underPressure } = await import('@fastify/under-pressure')
    await api.register(underPressure, {
      maxEventLoopDelay: options.maxEventLoopDelayMs,
      pressureHandler: async () => {
        throw new OverloadedError()
      },
    })
  }
  if (options.rateLimit !== false) {
    const { max, timeWindowMs } = options.rateLimit
    const { default: rateLimit } = await import('@fastify/rate-limit')
    await api.register(rateLimit, {
      global: true,
      max,
      timeWindow: timeWindowMs,
      // After each route's onRequest auth hook, so the tenant is known.
      hook: 'preHandler',
      keyGenerator: rateLimitKey,
      errorResponseBuilder: (_request, context) => new TooManyRequestsError(context.max, Math.round(timeWindowMs / 1000), timeWindowMs, Math.max(1, Math.ceil(context.ttl / 1000))),
    })
  }
}
