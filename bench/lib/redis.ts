import { Redis } from 'ioredis'
import { waitFor } from '@flashcards/test-support'
import { startPrivateRedis as startRedisServer } from '@flashcards/test-support/redis'

/**
 * A redis-server of the bench's own on a free loopback port: INFO commandstats and used_memory
 * then count only what the bench does, never other tests sharing the machine's Redis. No AOF (the
 * bench measures the queue, not the disk) and `noeviction`, as BullMQ requires.
 */
export interface PrivateRedis {
  url: string
  client: Redis
  /** FLUSHALL and CONFIG RESETSTAT: the next phase starts from an empty, uncounted server. */
  reset(): Promise<void>
  stop(): Promise<void>
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const server = await startRedisServer(['--appendonly', 'no', '--maxmemory-policy', 'noeviction'])
  const client = new Redis(server.url, { maxRetriesPerRequest: null, lazyConnect: true, retryStrategy: () => 100 })
  client.on('error', () => {})
  await waitFor(`a client of redis-server on port ${server.port}`, async () => {
    if (client.status !== 'ready') await client.connect()
    return (await client.ping()) === 'PONG'
  })
  return {
    url: server.url,
    client,
    async reset() {
      await client.flushall()
      await client.config('RESETSTAT')
    },
    async stop() {
      client.disconnect()
      await server.stop()
    },
  }
}

/** `INFO commandstats` as command → calls. Commands run inside Lua scripts are counted too. */
export function parseCommandStats(info: string): Record<string, number> {
  const calls: Record<string, number> = {}
  for (const line of info.split(/\r?\n/)) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line)
    if (match) calls[match[1]!] = Number(match[2])
  }
  return calls
}

export async function commandStats(client: Redis): Promise<Record<string, number>> {
  return parseCommandStats(await client.info('commandstats'))
}

/** `INFO <section>` field as a number. */
export async function infoNumber(client: Redis, section: string, field: string): Promise<number> {
  const info = await client.info(section)
  const match = new RegExp(`^${field}:(\\d+)`, 'm').exec(info)
  if (!match) throw new Error(`INFO ${section} has no ${field}`)
  return Number(match[1])
}
