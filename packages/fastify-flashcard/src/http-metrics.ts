import type { FastifyInstance } from 'fastify'
import { Counter, Histogram, type Registry } from 'prom-client'

export const HTTP_METRIC_NAMES = {
  requests: 'flashcard_http_requests_total',
  duration: 'flashcard_http_request_duration_seconds',
} as const

/**
 * Request count and latency of the plugin's routes, labelled by method, route pattern and status.
 * Recorded with a hook of the plugin's own context on the plugin's own registry, so the host's
 * routes and prom-client's global registry are left alone. (fastify-metrics always serves the
 * global registry and hooks the whole host instance, which is why it is not used here.)
 */
export function recordHttpMetrics(app: FastifyInstance, registry: Registry): void {
  const labelNames = ['method', 'route', 'status_code'] as const
  const requests = new Counter({
    name: HTTP_METRIC_NAMES.requests,
    help: 'HTTP requests served by the flashcard API',
    labelNames,
    registers: [registry],
  })
  const duration = new Histogram({
    name: HTTP_METRIC_NAMES.duration,
    help: 'Latency of the flashcard API in seconds',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })
  // A callback hook: nothing here waits, so no promise per request.
  app.addHook('onResponse', (request, reply, done) => {
    // Unknown paths share one label, so a scanner cannot blow up the series count.
    const route = request.routeOptions.url ?? '__unknown__'
    const labels = { method: request.method, route, status_code: String(reply.statusCode) }
    requests.inc(labels)
    duration.observe(labels, reply.elapsedTime / 1000)
    done()
  })
}
