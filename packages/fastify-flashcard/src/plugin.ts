import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import type { DeckStore, FlashcardQueues } from '@flashcards/queue-core'
import type { Registry } from 'prom-client'
import { registerComponents } from './components.js'
import type { RouteContext } from './context.js'
import { installErrorHandling } from './error-handler.js'
import { AlreadyRegisteredError } from './errors.js'
import type { JobEventHub } from './events/hub.js'
import { recordHttpMetrics } from './http-metrics.js'
import { registerLoadShedding } from './load-shedding.js'
import { registerOpenApi } from './openapi.js'
import { resolveOptions, type FlashcardPluginOptions, type FlashcardPrincipal } from './options.js'
import { openResources, routeContext, type PluginResources } from './resources.js'
import { registerRoutes } from './routes/index.js'

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

function decoratorOf(resources: PluginResources): FlashcardDecorator {
  const { queues, decks, registry, hub, authenticate } = resources
  return { queues, decks: decks.store, metricsRegistry: registry ?? null, events: hub, authenticate }
}

/**
 * The plugin's own child scope under the prefix: its validator, error envelope, body rules and
 * hooks apply to its routes only, never to the host's.
 */
async function registerApi(api: FastifyInstance, ctx: RouteContext): Promise<void> {
  const { options } = ctx
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
  if (ctx.registry) recordHttpMetrics(api, ctx.registry)
  await registerLoadShedding(api, options)
  registerComponents(api)
  if (options.openapi) await registerOpenApi(api, options.prefix)
  await registerRoutes(api, ctx)
}

const flashcardPlugin: FastifyPluginAsync<FlashcardPluginOptions> = async (fastify, rawOptions) => {
  if (fastify.hasDecorator('flashcards')) throw new AlreadyRegisteredError()
  const options = resolveOptions(rawOptions)
  const resources = await openResources(options)
  fastify.decorate('flashcards', decoratorOf(resources))
  // Event streams never end on their own while a job runs: end them before the server waits for idle sockets.
  fastify.addHook('preClose', async () => resources.streams.endAll())
  // Said once, at error level, when this process notices: health then reports it until a restart.
  const stopWatching = resources.queues.onDataLoss((loss) => fastify.log.error({ epoch_written_at: loss.epochWrittenAt, detected_at: loss.detectedAt }, loss.reason))
  fastify.addHook('onClose', async () => {
    stopWatching()
    await resources.close()
  })
  await fastify.register(async (api: FastifyInstance) => registerApi(api, routeContext(resources, options)), { prefix: options.prefix })
}

/** The flashcard HTTP API as a Fastify plugin; see the README for options and routes. */
export const fastifyFlashcard = fp(flashcardPlugin, { name: '@flashcards/fastify-flashcard', fastify: '5.x' })
export default fastifyFlashcard
