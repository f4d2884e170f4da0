/*
 * A host application: Fastify with the flashcard plugin, as an LMS would register it.
 *
 *   API_TOKENS=dev-token-123:tenant-a npx tsx examples/server.ts
 *
 * Reads PORT (default 5000), HOST, REDIS_URL, QUEUE_PREFIX, JOB_ATTEMPTS, KEEP_*, MAX_QUEUE_DEPTH,
 * LOG_STORE / LOG_DIR / S3_* (job logs), DECK_STORE / DATABASE_URL (decks) through queue-core's
 * loadConfig, and API_TOKENS (`token:tenant,token:tenant`) and DASHBOARD_TENANT, also through loadConfig. Health and metrics are public, as
 * the runbook's curl calls them without a token; docs at /docs, the OpenAPI document at
 * /api/flashcards/openapi.json, the review page at /api/flashcards/review/, the queue dashboard
 * at /admin/queues only when DASHBOARD_TENANT is set, for that tenant's tokens (API token as
 * the Basic-auth password): bull-board shows every tenant's jobs.
 */
import Fastify from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fastifyFlashcard, { parseApiTokens } from '@flashcards/fastify-flashcard'
import { createJobLogStore, loadConfig, logOptions, redactRedisUrl } from '@flashcards/queue-core'
import { registerDashboard } from './dashboard.js'

function startupError(message: string): never {
  process.stderr.write(`examples/server: ${message}\n`)
  process.exit(1)
}

let config: ReturnType<typeof loadConfig>
let tokens: Record<string, string>
try {
  config = loadConfig()
  tokens = parseApiTokens(config.api.tokens)
} catch (err) {
  startupError((err as Error).message)
}

// Every log line (messages, request URLs, errors) passes through queue-core's redaction.
const app = Fastify({ logger: { level: config.logs.debug ? 'debug' : 'info', ...logOptions } })

// The host's own OpenAPI document, registered before the plugin: the plugin's routes join it with
// their bearer scheme, and /docs shows it (the plugin also serves it at /api/flashcards/openapi.json).
await app.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 'Example host: flashcard jobs API', version: '0.1.0' } } })
await app.register(fastifyFlashcard, {
  connection: config.redis.url,
  queuePrefix: config.queue.prefix,
  auth: { tokens },
  publicHealth: true,
  publicMetrics: true,
  logStore: createJobLogStore(config),
  maxQueueDepth: config.queue.maxDepth,
  jobAttempts: config.queue.jobAttempts,
  // KEEP_COMPLETED_JOBS, KEEP_COMPLETED_AGE_S, KEEP_FAILED_JOBS, KEEP_FAILED_AGE_S.
  retention: config.queue.retention,
  eventStreams: {
    maxPerTenant: config.api.eventStreamsPerTenant,
    maxTotal: config.api.eventStreamsTotal,
    idleTimeoutMs: config.api.eventStreamIdleMs,
    maxLifetimeMs: config.api.eventStreamMaxMs,
  },
  rateLimit: config.api.rateLimitMax > 0 ? { max: config.api.rateLimitMax, timeWindowMs: config.api.rateLimitWindowMs } : false,
  maxEventLoopDelayMs: config.api.maxEventLoopDelayMs > 0 ? config.api.maxEventLoopDelayMs : false,
  // DECK_STORE (redis by default, or postgres with DATABASE_URL): where the decks live.
  decks: { store: config.decks.store, ...(config.decks.databaseUrl ? { databaseUrl: config.decks.databaseUrl } : {}) },
  // The review page at /api/flashcards/review/ (it asks for an API token).
  review: true,
})
await app.register(swaggerUi, { routePrefix: '/docs' })
// bull-board cannot filter by tenant: it is an operator tool, off unless an operator tenant is named.
if (config.api.dashboardTenant) await registerDashboard(app, { tenant: config.api.dashboardTenant })

let closing = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    // Stops accepting requests, ends event streams, closes the queues and Redis connections.
    app.close().then(
      () => process.exit(0),
      (err) => {
        app.log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  })
}

try {
  await app.listen({ port: config.api.port, host: config.api.host })
  app.log.info(`flashcard API on Redis ${redactRedisUrl(config.redis.url)} (queue prefix ${config.queue.prefix})`)
} catch (err) {
  startupError(`cannot listen on ${config.api.host}:${config.api.port}: ${(err as Error).message}`)
}
