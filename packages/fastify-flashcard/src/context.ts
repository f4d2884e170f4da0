import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import type { DeckStore, FlashcardQueues, Owner } from '@flashcards/queue-core'
import type { Registry } from 'prom-client'
import { MissingPrincipalError } from './errors.js'
import type { JobEventHub } from './job-events.js'
import type { FlashcardPrincipal, ResolvedOptions } from './options.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the flashcard plugin's auth hook on its own routes; null elsewhere. */
    flashcardPrincipal: FlashcardPrincipal | null
  }
}

/** What every route module of the plugin works with. */
export interface RouteContext {
  queues: FlashcardQueues
  options: ResolvedOptions
  hub: JobEventHub
  registry: Registry | undefined
  /** The deck store of the deck routes. */
  decks: DeckStore
  /** preHandler of the deck routes: 503 while the deck store's Redis is down. */
  decksReady: () => Promise<void>
  /** onRequest hook of every route that needs a bearer token. */
  authenticate: onRequestAsyncHookHandler
}

/** The caller of an authenticated route. */
export function principalOf(request: FastifyRequest): FlashcardPrincipal {
  const principal = request.flashcardPrincipal
  // Only reachable if a route forgot `onRequest: ctx.authenticate`: fail closed.
  if (!principal) throw new MissingPrincipalError()
  return principal
}

/** The owner recorded on jobs the caller creates. */
export function ownerOf(request: FastifyRequest): Owner {
  const principal = principalOf(request)
  return { tenant: principal.tenant, principal: principal.id }
}
