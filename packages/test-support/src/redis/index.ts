/** Redis for tests: the shared test server (TEST_REDIS_URL), private servers, a Cluster and a Sentinel setup. */
export { TEST_REDIS_URL, uniquePrefix, deletePrefix } from './test-redis.js'
export { startPrivateRedis, type PrivateRedis } from './private.js'
export { startRedisCluster, type RedisClusterSetup } from './cluster.js'
export { startRedisSentinel, type SentinelOptions, type RedisSentinelSetup } from './sentinel.js'
