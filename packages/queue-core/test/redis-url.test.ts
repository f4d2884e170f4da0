import t from 'tap'
import { parseRedisUrl, redactRedisUrl } from '../src/redis-url.js'
import { queuePrefixFor, redisOptionsFor } from '../src/redis.js'

t.test('standalone forms', async (t) => {
  t.same(parseRedisUrl('redis://localhost:6379'), { kind: 'standalone', node: { host: 'localhost', port: 6379 }, db: 0, tls: false })
  t.same(parseRedisUrl('redis://cache'), { kind: 'standalone', node: { host: 'cache', port: 6379 }, db: 0, tls: false })
  t.same(parseRedisUrl('rediss://cache.example.com:6380'), {
    kind: 'standalone',
    node: { host: 'cache.example.com', port: 6380 },
    db: 0,
    tls: true,
  })
  t.same(parseRedisUrl('redis://:p%40ss@localhost:6379/3'), {
    kind: 'standalone',
    node: { host: 'localhost', port: 6379 },
    db: 3,
    tls: false,
    password: 'p@ss',
  })
  t.same(parseRedisUrl('redis://app:pw@[::1]:7000'), {
    kind: 'standalone',
    node: { host: '::1', port: 7000 },
    db: 0,
    tls: false,
    username: 'app',
    password: 'pw',
  })
})

t.test('cluster list', async (t) => {
  const target = parseRedisUrl('redis://node1:6379,node2:6379,node3:6380')
  t.equal(target.kind, 'cluster')
  t.same(target.kind === 'cluster' && target.nodes, [
    { host: 'node1', port: 6379 },
    { host: 'node2', port: 6379 },
    { host: 'node3', port: 6380 },
  ])
  t.same(parseRedisUrl('redis://n1:7000,redis://n2:7001').kind, 'cluster', 'each entry may repeat the scheme')
  t.throws(() => parseRedisUrl('redis://n1,n2/2'), /cluster has no database number/)
})

t.test('sentinel', async (t) => {
  const target = parseRedisUrl('redis+sentinel://:secret@sentinel1:26379,sentinel2/mymaster/1?sentinelPassword=s3')
  t.same(target, {
    kind: 'sentinel',
    sentinels: [
      { host: 'sentinel1', port: 26379 },
      { host: 'sentinel2', port: 26379 },
    ],
    masterName: 'mymaster',
    db: 1,
    tls: false,
    password: 'secret',
    sentinelPassword: 's3',
  })
  t.throws(() => parseRedisUrl('redis+sentinel://s1:26379'), /master name/)
})

t.test('rejections name what is allowed and hide the password', async (t) => {
  for (const url of ['http://x', 'localhost:6379', 'redis://host:99999', 'redis://host/abc', 'redis://', 'redis://:topsecret@host/x']) {
    const err = t.throws(() => parseRedisUrl(url), { message: /redis:\/\/\[user:password@\]host/ }) as unknown as Error
    t.notMatch(err.message, /topsecret/)
  }
})

t.test('redaction', async (t) => {
  t.equal(redactRedisUrl('redis://:pw@host:6379'), 'redis://:[REDACTED]@host:6379')
  t.equal(redactRedisUrl('redis://user:pw@host'), 'redis://user:[REDACTED]@host')
  t.equal(redactRedisUrl('redis://:Redis@Pw9@host:6379/0'), 'redis://:[REDACTED]@host:6379/0', 'a password containing @ is hidden whole')
  t.equal(redactRedisUrl('redis://:a/b@c@host'), 'redis://:[REDACTED]@host', 'and one containing /')
  t.equal(redactRedisUrl('redis://justapassword@host'), 'redis://[REDACTED]@host', 'a password without a colon')
  t.equal(redactRedisUrl('redis+sentinel://:pw@s1:26379,s2/mymaster?sentinelPassword=x'), 'redis+sentinel://:[REDACTED]@s1:26379,s2/mymaster?sentinelPassword=[REDACTED]')
  t.equal(redactRedisUrl('redis://host:6379'), 'redis://host:6379')
})

t.test('role options are BullMQ-correct', async (t) => {
  const worker = redisOptionsFor('redis://localhost:6379', { role: 'worker' })
  t.equal(worker.kind, 'single')
  t.equal(worker.kind === 'single' && worker.options.maxRetriesPerRequest, null, 'workers never give up on a command')
  const producer = redisOptionsFor('redis://localhost:6379', { role: 'producer' })
  t.equal(producer.kind === 'single' && producer.options.enableOfflineQueue, false, 'producers fail fast while disconnected')
  t.equal(producer.kind === 'single' && producer.options.maxRetriesPerRequest, 1)
  const tls = redisOptionsFor('rediss://h:1', { role: 'producer' })
  t.ok(tls.kind === 'single' && tls.options.tls)
  const sentinel = redisOptionsFor('redis+sentinel://s1:26379/mymaster', { role: 'worker' })
  t.ok(sentinel.kind === 'single' && sentinel.options.name === 'mymaster' && Array.isArray(sentinel.options.sentinels))
  const cluster = redisOptionsFor('redis://:pw@a:1,b:2', { role: 'worker' })
  t.equal(cluster.kind, 'cluster')
  t.ok(cluster.kind === 'cluster' && cluster.options.redisOptions?.maxRetriesPerRequest === null)
  t.ok(cluster.kind === 'cluster' && cluster.options.redisOptions?.password === 'pw')
})

t.test('queue prefix gets a hash tag on clusters only', async (t) => {
  t.equal(queuePrefixFor('flashcard', true), '{flashcard}')
  t.equal(queuePrefixFor('flashcard', false), 'flashcard')
  t.equal(queuePrefixFor('{fc}', true), '{fc}')
})
