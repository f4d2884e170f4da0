import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyRequest,
  onRequestAsyncHookHandler,
  onRequestHookHandler,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { DeckStore, FlashcardQueues, Owner } from '@flashcards/queue-core'
import type { Registry } from 'prom-client'
import { MissingPrincipalError } from './errors.js'
import type { EventStreams } from './events/event-streams.js'
import type { FlashcardPrincipal, ResolvedOptions } from './options.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the flashcard plugin's auth hook on its own routes; null elsewhere. */
    flashcardPrincipal: FlashcardPrincipal | null
  }
}

/** A scope of the plugin with TypeBox's type provider, as route functions receive it. */
export type TypedApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>

/** What every route module of the plugin works with. */
export interface RouteContext {
  queues: FlashcardQueues
  options: ResolvedOptions
  /** The event streams of the jobs' `/events` routes. */
  streams: EventStreams
  registry: Registry | undefined
  /** The deck store of the deck routes. */
  decks: DeckStore
  /** preHandler of the deck routes: 503 while the deck store's Redis is down. */
  decksReady: () => Promise<void>
  /** onRequest hook of the authenticated scope (routes/index.ts): sets the principal or refuses with 401. */
  authenticate: onRequestAsyncHookHandler | onRequestHookHandler
}

/** The caller of an authenticated route. */
export function principalOf(request: FastifyRequest): FlashcardPrincipal {
  const principal = request.flashcardPrincipal
  // Only reachable for a route registered outside the authenticated scope: fail closed.
  if (!principal) throw new MissingPrincipalError()
  return principal
}

/** The owner recorded on jobs the caller creates. */
export function ownerOf(request: FastifyRequest): Owner {
  const principal = principalOf(request)
  return { tenant: principal.tenant, principal: principal.id }
}
