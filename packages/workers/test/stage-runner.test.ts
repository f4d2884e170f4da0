import t, { type Test } from 'tap'
import { Redis } from 'ioredis'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'
import { StageCache } from '../src/pipeline/stage-cache.js'
import { StageRunner } from '../src/pipeline/stage-runner.js'
import type { LlmProvider } from '../src/providers/types.js'

/** A stage cache on its own Redis connection and key prefix, both gone after the test. */
function cacheOn(t: Test, name: string): { redis: Redis; provider: LlmProvider; cache: StageCache } {
  const prefix = uniquePrefix(name)
  const redis = new Redis(TEST_REDIS_URL)
  t.teardown(async () => {
    redis.disconnect()
    await deletePrefix(prefix)
  })
  return { redis, provider: { name: 'p', model: 'm', promptVersion: 'v1' } as LlmProvider, cache: new StageCache(redis, prefix) }
}

t.test("a stage's cache entries are read ahead in one MGET; each call then takes its own, once", async (t) => {
  const { redis, provider, cache } = cacheOn(t, 'stage-runner')
  const key = (contentHash: string) => ({ stage: 'stageA' as const, contentHash, provider: 'p', model: 'm', promptVersion: 'v1' })
  await cache.set(key('h1'), { value: ['cached h1'], raw: 'r1' })
  const reads: string[] = []
  const get = redis.get.bind(redis)
  const mget = redis.mget.bind(redis)
  Object.assign(redis, {
    get: (...args: Parameters<typeof get>) => (reads.push('get'), get(...args)),
    mget: (...args: Parameters<typeof mget>) => (reads.push('mget'), mget(...args)),
  })
  const runner = new StageRunner(provider, cache, undefined)
  const calls: string[] = []
  const call = (hash: string) => async () => (calls.push(hash), { value: [`fresh ${hash}`], raw: null, calls: 1, usage: { inputTokens: 1, outputTokens: 1 } })

  await runner.prefetch('stageA', ['h1', 'h2'])
  const [one, two] = await Promise.all([runner.run('stageA', 'h1', call('h1')), runner.run('stageA', 'h2', call('h2'))])
  t.same(reads, ['mget'], 'one read for both calls')
  t.match(one, { value: ['cached h1'], cached: true })
  t.match(two, { value: ['fresh h2'], cached: false })
  t.same(calls, ['h2'])
  // Taken once: a later call of the same hash reads the cache again (h2 was stored meanwhile).
  t.match(await runner.run('stageA', 'h2', call('h2')), { value: ['fresh h2'], cached: true })
  t.same(reads, ['mget', 'get'])
  t.same(runner.totals, { calls: 1, cached: 2, inputTokens: 1, outputTokens: 1 })
})

t.test('stage B is not looked up when every stage-A answer came from the provider; it is after a stage-A hit', async (t) => {
  const { redis, provider, cache } = cacheOn(t, 'stage-runner-b')
  const reads: string[] = []
  const get = redis.get.bind(redis)
  Object.assign(redis, { get: (...args: Parameters<typeof get>) => (reads.push(String(args[0]).includes('stageB') ? 'get B' : 'get A'), get(...args)) })
  const call = (value: string) => async () => ({ value: [value], raw: null, calls: 1, usage: { inputTokens: 1, outputTokens: 1 } })

  const first = new StageRunner(provider, cache, undefined)
  t.match(await first.run('stageA', 'chunk', call('concepts')), { cached: false })
  t.match(await first.run('stageB', 'concepts', call('cards')), { cached: false })
  t.same(reads, ['get A'], 'a fresh module reads stage A only')

  const rerun = new StageRunner(provider, cache, undefined)
  t.match(await rerun.run('stageA', 'chunk', call('other concepts')), { value: ['concepts'], cached: true })
  t.match(await rerun.run('stageB', 'concepts', call('other cards')), { value: ['cards'], cached: true }, 'stored all the same, and served on a re-run')
  t.same(reads, ['get A', 'get A', 'get B'])
})
