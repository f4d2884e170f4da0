import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { Registry } from 'prom-client'
import { blockingConnections, FlashcardQueues, registerFlashcardMetrics } from '@flashcards/queue-core'
import { createAuthenticator, type Authenticate, type AuthenticateSync } from './auth.js'
import type { RouteContext } from './context.js'
import { openDeckStore, type OpenedDeckStore } from './deck-store.js'
import { InvalidTokenError } from './errors.js'
import { EventStreams } from './events/event-streams.js'
import { JobEventHub } from './events/hub.js'
import type { FlashcardPrincipal, ResolvedOptions } from './options.js'

/** What one registration of the plugin opens, and closes with the server. */
export interface PluginResources {
  queues: FlashcardQueues
  hub: JobEventHub
  streams: EventStreams
  /** The plugin's own Prometheus registry; undefined with `metrics: false`. */
  registry: Registry | undefined
  decks: OpenedDeckStore
  authenticate: Authenticate & { sync?: AuthenticateSync }
  close: () => Promise<void>
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
  // The event streams' BullMQ QueueEvents read with blocking commands: connections of their own.
  const hub = new JobEventHub(queues, blockingConnections(options.connection, 'flashcard-api-events'))
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
    authenticate: authenticationHook(resources.authenticate),
  }
}

/**
 * The authenticated scope's onRequest hook: sets the principal or refuses with 401. A static token
 * list is checked in a callback hook, without a promise per request.
 */
function authenticationHook(authenticate: PluginResources['authenticate']): RouteContext['authenticate'] {
  const sync = authenticate.sync
  if (sync) {
    return (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
      let principal: FlashcardPrincipal | null
      try {
        principal = sync(request)
      } catch (err) {
        done(err as Error)
        return
      }
      if (!principal) {
        done(new InvalidTokenError())
        return
      }
      request.flashcardPrincipal = principal
      done()
    }
  }
  return async (request: FastifyRequest) => {
    const principal = await authenticate(request)
    if (!principal) throw new InvalidTokenError()
    request.flashcardPrincipal = principal
  }
}
