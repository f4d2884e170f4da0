import t from 'tap'
import { Redis } from 'ioredis'
import { redisFailure } from '../src/client/availability.js'
import { outOfMemoryReason, readRedisMemory } from '../src/redis-memory.js'
import { TEST_REDIS_URL } from '@flashcards/test-support/redis'

t.test('INFO memory of a real Redis', async (t) => {
  const redis = new Redis(TEST_REDIS_URL)
  t.teardown(() => redis.disconnect())
  const [memory] = await readRedisMemory(redis)
  t.ok(memory!.usedBytes > 0, 'used memory read')
  t.type(memory!.maxBytes, 'number')
  t.match(memory!.policy, /^[a-z-]+$/)
})

t.test('out of memory only when maxmemory is reached under noeviction', async (t) => {
  const full = { usedBytes: 25 * 1024 * 1024, maxBytes: 24 * 1024 * 1024, policy: 'noeviction' }
  t.match(outOfMemoryReason([full]), /^Redis is out of memory \(25\.0 MB used of maxmemory 24\.0 MB, policy noeviction\)/)
  t.match(outOfMemoryReason([{ ...full, usedBytes: 1 }, full]), /out of memory/, 'any master of a cluster')
  t.equal(outOfMemoryReason([{ ...full, maxBytes: 0 }]), undefined, 'no maxmemory')
  t.equal(outOfMemoryReason([{ ...full, usedBytes: full.maxBytes - 1 }]), undefined, 'below the limit')
  t.equal(outOfMemoryReason([{ ...full, policy: 'allkeys-lru' }]), undefined, 'an evicting Redis does not refuse writes')
})

t.test('Redis failures become UNAVAILABLE in our words; other errors stay as they are', async (t) => {
  const oom = new Error("OOM command not allowed when used memory > 'maxmemory'.")
  const aborted = Object.assign(new Error('EXECABORT Transaction discarded because of previous errors.'), { previousErrors: [oom] })
  const inScript = new Error("ERR Error running script (call to f_0123): @user_script:57: OOM command not allowed when used memory > 'maxmemory'.")
  for (const err of [oom, aborted, inScript]) {
    const failure = redisFailure(err)
    t.match(failure, { code: 'UNAVAILABLE', statusCode: 503, retryAfterSeconds: 30, message: 'Redis is out of memory and refuses writes; try again later' })
  }
  t.match(redisFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' })), { code: 'UNAVAILABLE', retryAfterSeconds: 5 })
  t.equal(redisFailure(new Error('WRONGTYPE Operation against a key holding the wrong kind of value')), undefined)
  t.equal(redisFailure(new Error('EXECABORT Transaction discarded because of previous errors.')), undefined, 'an abort for another cause')
})
