import { Availability } from '../client/availability.js'
import type { FlashcardConfig } from '../config/index.js'
import { ConfigError, FlashcardError } from '../errors.js'
import { closeRedis, createRedis, type ConnectionRole, type RedisConnection } from '../redis.js'
import { redactRedisUrl } from '../redis-url.js'
import { RedisDeckStore } from './redis/store.js'
import type { DeckStore } from './types.js'

export interface CreateDeckStoreOptions {
  /** Reuse this Redis connection (not closed by the store); else the store opens its own. */
  redis?: RedisConnection
  /** Role of a connection the store opens itself (default `producer`: fails fast while Redis is down). */
  role?: ConnectionRole
  /** How long a `producer` connection the store opens itself may take to connect (default 5,000 ms). */
  startupWaitMs?: number
  /** PostgreSQL schema of the tables (tests use a throw-away one). */
  schema?: string
}

/** What `createDeckStore` reads of the config: the deck section, the queue prefix and REDIS_URL. */
export interface DeckStoreConfig {
  decks: FlashcardConfig['decks']
  queue: Pick<FlashcardConfig['queue'], 'prefix'>
  redis: Pick<FlashcardConfig['redis'], 'url'>
}

/**
 * The deck store DECK_STORE names. `redis` needs nothing beyond the queues' Redis; `postgres`
 * loads its driver only now and applies the schema migrations before it returns. Either way the
 * store it returns can answer at once.
 */
export async function createDeckStore(config: DeckStoreConfig, options: CreateDeckStoreOptions = {}): Promise<DeckStore> {
  if (config.decks.store === 'postgres') {
    const { openPostgresDeckStore } = await import('./postgres/store.js')
    if (!config.decks.databaseUrl) throw new ConfigError(['DECK_STORE=postgres needs DATABASE_URL'])
    return openPostgresDeckStore({ url: config.decks.databaseUrl, ...(options.schema ? { schema: options.schema } : {}) })
  }
  const role = options.role ?? 'producer'
  const connection = options.redis ?? createRedis(config.redis.url, { role, connectionName: 'flashcard-decks' })
  // Without a listener ioredis prints every reconnect error; callers see failures through commands.
  if (options.redis === undefined) connection.on('error', () => {})
  // A producer connection queues nothing while it connects, so the first command would fail
  // ("isn't ready", "Stream isn't writeable"): wait for it here, as the postgres store connects
  // before it returns. A worker connection queues commands and waits for Redis by design.
  if (options.redis === undefined && role === 'producer') {
    const waitMs = options.startupWaitMs ?? 5_000
    try {
      await new Availability(connection).ready(waitMs)
    } catch (err) {
      await closeRedis(connection)
      throw new FlashcardError('UNAVAILABLE', `The deck store's Redis (${redactRedisUrl(config.redis.url)}) did not answer within ${waitMs} ms`, {
        retryAfterSeconds: 5,
        cause: err,
      })
    }
  }
  return new RedisDeckStore({
    connection,
    prefix: config.queue.prefix,
    // The connection decides, not REDIS_URL: a host may pass its own Cluster client while its
    // config names one node (or the default), and untagged keys would fail with CROSSSLOT.
    cluster: connection.isCluster,
    ownsConnection: options.redis === undefined,
  })
}
