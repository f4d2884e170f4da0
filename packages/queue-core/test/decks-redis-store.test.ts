import t from 'tap'
import { Redis } from 'ioredis'
import { RedisDeckStore } from '../src/decks/redis/store.js'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../../../test/support/redis.js'
import { deckStoreContract } from './decks/contract.js'

deckStoreContract(t, async () => {
  const prefix = uniquePrefix('decks')
  const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 })
  const store = new RedisDeckStore({ connection, prefix, cluster: false, ownsConnection: true })
  return {
    store,
    cleanup: async () => {
      await store.close()
      await deletePrefix(prefix)
    },
  }
})
