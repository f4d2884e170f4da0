import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'

/** The Redis the tests use: TEST_REDIS_URL, else the one on 127.0.0.1:6379. Never skipped. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A prefix no other test file (or run) shares, so files can run in parallel. */
export function uniquePrefix(name: string): string {
  return `fctest-${name}-${randomUUID().slice(0, 8)}`
}

/** Deletes every key under the prefix. */
export async function deletePrefix(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 })
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) await redis.del(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}
