import type { FastifyRequest } from 'fastify'
import { Registry } from 'prom-client'
import { createRedis, FlashcardQueues, registerFlashcardMetrics, type RedisConnection } from '@flashcards/queue-core'
import { createAuthenticator, type Authenticate } from './auth.js'
import type { RouteContext } from './context.js'
import { openDeckStore, type OpenedDeckStore } from './deck-store.js'
import { InvalidTokenError } from './errors.js'
import { EventStreams } from './events/event-streams.js'
import { JobEventHub } from './events/hub.js'
import type { ResolvedOptions } from './options.js'

/** What one registration of the plugin opens, and closes with the server. */
export interface PluginResources {
  queues: FlashcardQueues
  hub: JobEventHub
  streams: EventStreams
  /** The plugin's own Prometheus registry; undefined with `metrics: false`. */
  registry: Registry | undefined
  decks: OpenedDeckStore
  authenticate: Authenticate
  close: () => Promise<void>
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

/** Opens the queue client, the event hub and streams, the metrics and the deck store the routes share. */
export async function openResources(options: ResolvedOptions): Promise<PluginResources> {
  const queues = new FlashcardQueues({
    connection: options.connection,
    queuePrefix: options.queuePrefix,
    maxQueueDepth: options.maxQueueDepth,
    backlogCacheMs: options.queueDepthCacheMs,
    jobAttempts: options.jobAttempts,
    retention: options.retention,
  })
  const hub = new JobEventHub(queues, blockingConnectionFactory(options.connection))
  const streams = new EventStreams(queues, hub, options.eventStreams, options.eventsHeartbeatMs)
  const registry = options.metrics ? new Registry() : undefined
  const unregisterMetrics = registry ? registerFlashcardMetrics({ registry, queues }) : undefined
  const decks = await openDeckStore(options, queues)
  const close = async () => {
    unregisterMetrics?.()
    await hub.close()
    await decks.close()
    await queues.close()
  }
  return { queues, hub, streams, registry, decks, authenticate: createAuthenticator(options.auth), close }
}

/** What the route modules work with; `authenticate` is the authenticated scope's onRequest hook. */
export function routeContext(resources: PluginResources, options: ResolvedOptions): RouteContext {
  const { queues, streams, registry, decks } = resources
  return {
    queues,
    options,
    streams,
    registry,
    decks: decks.store,
    decksReady: decks.ready,
    authenticate: async (request: FastifyRequest) => {
      const principal = await resources.authenticate(request)
      if (!principal) throw new InvalidTokenError()
      request.flashcardPrincipal = principal
    },
  }
}
