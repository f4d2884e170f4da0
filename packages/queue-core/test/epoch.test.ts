import t from 'tap'
import { Redis } from 'ioredis'
import { RedisEpoch } from '../src/client/epoch.js'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

const prefix = uniquePrefix('epoch')
const redis = new Redis(TEST_REDIS_URL)
t.teardown(async () => {
  redis.disconnect()
  await deletePrefix(prefix)
})

t.test('the first process writes the epoch, later ones adopt it; a lost or replaced epoch is reported once, for good', async (t) => {
  const key = `${prefix}:all:x:epoch`
  const first = new RedisEpoch(redis, key)
  const second = new RedisEpoch(redis, key)
  t.equal(await first.check(), undefined, 'first check adopts')
  const written = await redis.get(key)
  t.match(JSON.parse(written!), { id: /^[0-9a-f-]{36}$/, written_at: /^\d{4}-/ })
  t.equal(await second.check(), undefined)
  t.equal(await redis.get(key), written, 'the second adopts the same epoch')
  const heard: string[] = []
  first.onLoss((loss) => heard.push(loss.reason))
  second.onLoss((loss) => heard.push(loss.reason))

  await redis.del(key)
  const [lostA, lostB] = await Promise.all([first.check(), first.check()])
  t.match(lostA?.reason, /^Redis lost its data: the epoch key .* written at \S+ is gone/)
  t.equal(lostB, lostA, 'concurrent checks report the same loss')
  const third = new RedisEpoch(redis, key)
  t.equal(await third.check(), undefined, 'a process started after the loss writes a new epoch')
  t.match((await second.check())?.reason, /was replaced by a newer one/, 'which an older process sees as a loss')
  t.equal(heard.length, 2, 'each listener heard its loss once')
  await first.check()
  await second.check()
  t.equal(heard.length, 2, 'and not again')
  t.ok(await first.check(), 'the loss stays reported')
})
