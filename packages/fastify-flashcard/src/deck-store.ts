import { createDeckStore, type DeckStore, type FlashcardQueues } from '@flashcards/queue-core'
import type { ResolvedOptions } from './options.js'

export interface OpenedDeckStore {
  store: DeckStore
  /** Resolves once the store can answer; rejects with UNAVAILABLE (503) while its Redis is down. */
  ready: () => Promise<void>
  /** Releases what the plugin opened; a host's store stays open. */
  close: () => Promise<void>
}

/** The deck store of the routes: the host's, or one the plugin opens on the queues' own Redis connection or on PostgreSQL. */
export async function openDeckStore(options: ResolvedOptions, queues: FlashcardQueues): Promise<OpenedDeckStore> {
  const decks = options.decks
  if ('getDeck' in decks) return { store: decks, ready: async () => {}, close: async () => {} }
  const { connection } = options
  const store = await createDeckStore(
    {
      decks: { store: decks.store, databaseUrl: decks.databaseUrl },
      queuePrefix: options.queuePrefix,
      redisUrl: typeof connection === 'string' ? connection : '',
    },
    // One Redis connection for queues and decks; the store never closes it.
    { redis: queues.connection },
  )
  const ready = decks.store === 'redis' ? () => queues.ready() : async () => {}
  return { store, ready, close: () => store.close() }
}
