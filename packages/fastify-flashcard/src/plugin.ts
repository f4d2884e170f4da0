import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import { Registry } from 'prom-client'
import { createRedis, FlashcardQueues, registerFlashcardMetrics, type DeckStore, type RedisConnection } from '@flashcards/queue-core'
import { createAuthenticator } from './auth.js'
import type { RouteContext } from './context.js'
import { openDeckStore } from './deck-store.js'
import { installErrorHandling } from './error-handler.js'
import { AlreadyRegisteredError, InvalidTokenError } from './errors.js'
import { recordHttpMetrics } from './http-metrics.js'
import { JobEventHub } from './job-events.js'
import { registerLoadShedding } from './load-shedding.js'
import { registerOpenApi } from './openapi.js'
import { resolveOptions, type FlashcardPluginOptions, type FlashcardPrincipal } from './options.js'
import { deckExportRoutes } from './routes/deck-exports.js'
import { deckRoutes } from './routes/decks.js'
import { generationRoutes } from './routes/generation.js'
import { jobEventRoutes } from './routes/job-events.js'
import { jobLogRoutes } from './routes/job-logs.js'
import { operationsRoutes } from './routes/operations.js'
import { reviewRoutes } from './routes/review.js'
import { transcriptionRoutes } from './routes/transcription.js'

/** What the plugin adds to the Fastify instance, for host routes that work with jobs themselves. */
export interface FlashcardDecorator {
  /** The queue client the routes use: enqueue, read, list, cancel, retry, counts, stats. */
  queues: FlashcardQueues
  /** The deck store behind the deck routes (the host's own when it passed one). */
  decks: DeckStore
  /** The plugin's own Prometheus registry (null with `metrics: false`); add host metrics to it if you like. */
  metricsRegistry: Registry | null
  /** The shared QueueEvents fan-out behind the event streams; `subscribe()` to follow a job from host code. */
  events: JobEventHub
  /**
   * The plugin's own authentication, for host routes that must be behind the same tokens (a
   * dashboard, say): the request's principal, or null when its bearer token is refused.
   * Rejects with an error when the Authorization header is missing or malformed.
   */
  authenticate: (request: FastifyRequest) => Promise<FlashcardPrincipal | null>
}

declare module 'fastify' {
  interface FastifyInstance {
    flashcards: FlashcardDecorator
  }
}

/** Where the BullMQ QueueEvents of the event streams read from: a connection of their own. */
function blockingConnectionFactory(connection: string | RedisConnection): () => RedisConnection {
  if (typeof connection === 'string') {
    return () => createRedis(connection, { role: 'worker', connectionName: 'flashcard-api-events' })
  }
  // The host's connection is tuned for commands (it may time them out); blocking reads need
  // unlimited retries and no command timeout, as BullMQ requires.
  const blocking = { maxRetriesPerRequest: null, enableOfflineQueue: true, commandTimeout: undefined }
  return () =>
    connection.isCluster
      ? (connection as import('ioredis').Cluster).duplicate(undefined, {
          enableOfflineQueue: true,
          redisOptions: { ...(connection as import('ioredis').Cluster).options.redisOptions, ...blocking },
        })
      : (connection as import('ioredis').Redis).duplicate(blocking)
}

const flashcardPlugin: FastifyPluginAsync<FlashcardPluginOptions> = async (fastify, rawOptions) => {
  if (fastify.hasDecorator('flashcards')) {
    throw new AlreadyRegisteredError()
  }
  const options = resolveOptions(rawOptions)
  const queues = new FlashcardQueues({
    connection: options.connection,
    queuePrefix: options.queuePrefix,
    maxQueueDepth: options.maxQueueDepth,
    backlogCacheMs: options.queueDepthCacheMs,
    jobAttempts: options.jobAttempts,
  })
  const hub = new JobEventHub(queues, blockingConnectionFactory(options.connection))
  const registry = options.metrics ? new Registry() : undefined
  const unregisterMetrics = registry ? registerFlashcardMetrics({ registry, queues }) : undefined

  const decks = await openDeckStore(options, queues)

  const authenticate = createAuthenticator(options.auth)
  fastify.decorate('flashcards', {
    queues,
    decks: decks.store,
    metricsRegistry: registry ?? null,
    events: hub,
    authenticate,
  } satisfies FlashcardDecorator)
  fastify.addHook('onClose', async () => {
    unregisterMetrics?.()
    await hub.close()
    await decks.close()
    await queues.close()
  })

  const ctx: RouteContext = {
    queues,
    options,
    hub,
    registry,
    decks: decks.store,
    decksReady: decks.ready,
    authenticate: async (request: FastifyRequest) => {
      const principal = await authenticate(request)
      if (!principal) throw new InvalidTokenError()
      request.flashcardPrincipal = principal
    },
  }

  // The routes live in a child context: their validator, error envelope, body rules and hooks
  // apply to them only, never to the host's routes.
  await fastify.register(
    async (api: FastifyInstance) => {
      // TypeBox's compiler checks exactly what the schema says: no coercion of bodies, no silent
      // removal of unknown fields (which Fastify's default Ajv setup would do).
      api.setValidatorCompiler(TypeBoxValidatorCompiler)
      api.decorateRequest('flashcardPrincipal', null)
      // Only JSON bodies: text/plain would otherwise parse into a string and fail later, less clearly.
      api.removeContentTypeParser('text/plain')
      installErrorHandling(api, options.bodyLimit)
      api.addHook('onRoute', (route) => {
        route.bodyLimit ??= options.bodyLimit
      })
      if (registry) recordHttpMetrics(api, registry)
      await registerLoadShedding(api, options)
      if (options.openapi) await registerOpenApi(api, options.prefix)
      const routes = [generationRoutes, transcriptionRoutes, jobLogRoutes, jobEventRoutes, operationsRoutes, deckRoutes, deckExportRoutes]
      if (options.review) routes.push(reviewRoutes)
      for (const routesOf of routes) await api.register(async (scope: FastifyInstance) => routesOf(scope, ctx))
    },
    { prefix: options.prefix },
  )
}

/** The flashcard HTTP API as a Fastify plugin; see the README for options and routes. */
export const fastifyFlashcard = fp(flashcardPlugin, { name: '@flashcards/fastify-flashcard', fastify: '5.x' })
export default fastifyFlashcard
