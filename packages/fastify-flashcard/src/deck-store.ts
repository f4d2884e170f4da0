import { createDeckStore, RedisDeckStore, type DeckStore, type FlashcardQueues } from '@flashcards/queue-core'
import type { ResolvedOptions } from './options.js'

export interface OpenedDeckStore {
  store: DeckStore
  /** Resolves once the store can answer; rejects with UNAVAILABLE (503) while its Redis is down. */
  ready: () => Promise<void>
  /** Releases what the plugin opened; a host's store stays open. */
  close: () => Promise<void>
}

const noop = async () => {}

/** The deck store of the routes: the host's, or one the plugin opens on the queues' own Redis connection or on PostgreSQL. */
export async function openDeckStore(options: ResolvedOptions, queues: FlashcardQueues): Promise<OpenedDeckStore> {
  const decks = options.decks
  if ('getDeck' in decks) return { store: decks, ready: noop, close: noop }
  if (decks.store === 'postgres') {
    const config = { decks: { store: decks.store, databaseUrl: decks.databaseUrl }, queue: { prefix: options.queuePrefix }, redis: { url: '' } }
    const store = await createDeckStore(config)
    return { store, ready: noop, close: () => store.close() }
  }
  // One Redis connection for queues and decks (the host's, when it passed one); the store never closes it.
  const connection = queues.connection
  const store = new RedisDeckStore({ connection, prefix: options.queuePrefix, cluster: connection.isCluster, ownsConnection: false })
  return { store, ready: () => queues.ready(), close: () => store.close() }
}
