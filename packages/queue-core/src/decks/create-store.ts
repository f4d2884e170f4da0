import { ConfigError, type FlashcardConfig } from '../config.js'
import { createRedis, isClusterUrl, type ConnectionRole, type RedisConnection } from '../redis.js'
import { RedisDeckStore } from './redis/store.js'
import type { DeckStore } from './types.js'

export interface CreateDeckStoreOptions {
  /** Reuse this Redis connection (not closed by the store); else the store opens its own. */
  redis?: RedisConnection
  /** Role of a connection the store opens itself (default `producer`: fails fast while Redis is down). */
  role?: ConnectionRole
  /** PostgreSQL schema of the tables (tests use a throw-away one). */
  schema?: string
}

/**
 * The deck store DECK_STORE names. `redis` needs nothing beyond the queues' Redis; `postgres`
 * loads its driver only now and applies the schema migrations before it returns.
 */
export async function createDeckStore(
  config: Pick<FlashcardConfig, 'decks' | 'queuePrefix' | 'redisUrl'>,
  options: CreateDeckStoreOptions = {},
): Promise<DeckStore> {
  if (config.decks.store === 'postgres') {
    const { openPostgresDeckStore } = await import('./postgres/store.js')
    if (!config.decks.databaseUrl) throw new ConfigError(['DECK_STORE=postgres needs DATABASE_URL'])
    return openPostgresDeckStore({ url: config.decks.databaseUrl, ...(options.schema ? { schema: options.schema } : {}) })
  }
  const connection = options.redis ?? createRedis(config.redisUrl, { role: options.role ?? 'producer', connectionName: 'flashcard-decks' })
  return new RedisDeckStore({
    connection,
    prefix: config.queuePrefix,
    cluster: isClusterUrl(config.redisUrl),
    ownsConnection: options.redis === undefined,
  })
}
