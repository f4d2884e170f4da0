import t from 'tap'
import { Redis } from 'ioredis'
import { createDeckStore } from '../src/decks/create-store.js'
import { RedisDeckStore } from '../src/decks/redis/store.js'
import { freePort } from '@flashcards/test-support'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'
import { card, deckStoreContract } from './decks/contract.js'

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

const config = (redisUrl: string, queuePrefix: string) => ({ decks: { store: 'redis' as const, databaseUrl: undefined }, queue: { prefix: queuePrefix }, redis: { url: redisUrl } })

t.test('createDeckStore on REDIS_URL: the store it opens answers its first command', async (t) => {
  const prefix = uniquePrefix('decks-own')
  const store = await createDeckStore(config(TEST_REDIS_URL, prefix))
  t.teardown(async () => {
    await store.close()
    await deletePrefix(prefix)
  })
  // A producer connection queues nothing while it connects: without the wait this first write
  // failed with "Stream isn't writeable and enableOfflineQueue options is false".
  const key = { tenant: 't', course_id: 'c', module_id: 'm' }
  t.same(await store.writeRevision(key, { job_id: 'job-1', cards: [card('a')] }), { revision: 1, created: true })
  t.equal((await store.getDeck(key))!.total, 1)
})

t.test('createDeckStore on a Redis that does not answer: UNAVAILABLE naming it, nothing left open', async (t) => {
  const port = await freePort()
  const started = Date.now()
  const err = await createDeckStore(config(`redis://:hunter2secret@127.0.0.1:${port}`, 'unused'), { startupWaitMs: 300 }).then(
    () => new Error('a store opened on a dead port'),
    (e: unknown) => e as Error,
  )
  t.match(err, { name: 'FlashcardError', code: 'UNAVAILABLE' })
  t.equal(err.message, `The deck store's Redis (redis://:[REDACTED]@127.0.0.1:${port}) did not answer within 300 ms`, 'names the Redis, not its password')
  t.ok(Date.now() - started < 3_000, 'gives up after the wait')
  // The connection it opened is closed: a reconnecting client would keep this test file from exiting.
})

t.test('a revision of more cards than one Redis command takes from Lua is written whole, in order', async (t) => {
  const prefix = uniquePrefix('decks-large')
  const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 })
  const store = new RedisDeckStore({ connection, prefix, cluster: false, ownsConnection: true })
  t.teardown(async () => {
    await store.close()
    await deletePrefix(prefix)
  })
  // 1,200 cards: two slices of the order list, three of the cards hash (1,000 arguments each).
  const ids = Array.from({ length: 1_200 }, (_, i) => `card-${i}`)
  const key = { tenant: 't', course_id: 'c', module_id: 'm' }
  t.same(await store.writeRevision(key, { job_id: 'job-1', cards: ids.map((id) => card(id)) }), { revision: 1, created: true })
  const pages = await Promise.all([0, 500, 1_000].map((offset) => store.getDeck(key, { offset, limit: 500 })))
  t.equal(pages[0]!.total, 1_200)
  t.same(
    pages.flatMap((deck) => deck!.cards.map((c) => c.id)),
    ids,
  )
})
