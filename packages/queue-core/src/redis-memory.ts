import type { Cluster, Redis } from 'ioredis'
import type { RedisConnection } from './redis.js'

/** What INFO memory says of one Redis (each master of a cluster). */
export interface RedisMemory {
  usedBytes: number
  /** 0 when no maxmemory is set. */
  maxBytes: number
  policy: string
}

function field(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim()
}

async function memoryOf(node: Redis): Promise<RedisMemory> {
  const info = await node.info('memory')
  return {
    usedBytes: Number(field(info, 'used_memory') ?? 0),
    maxBytes: Number(field(info, 'maxmemory') ?? 0),
    policy: field(info, 'maxmemory_policy') ?? 'unknown',
  }
}

/** INFO memory of the Redis behind `connection`: one entry, or one per master of a cluster. */
export async function readRedisMemory(connection: RedisConnection): Promise<RedisMemory[]> {
  const nodes = connection.isCluster ? (connection as Cluster).nodes('master') : [connection as Redis]
  return Promise.all(nodes.map(memoryOf))
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

/**
 * Why Redis refuses writes, if it does: a full `maxmemory` under `noeviction` (the policy BullMQ
 * needs) makes Redis answer every write with OOM while reads still work.
 */
export function outOfMemoryReason(memory: RedisMemory[]): string | undefined {
  const full = memory.find((node) => node.maxBytes > 0 && node.usedBytes >= node.maxBytes && node.policy === 'noeviction')
  if (!full) return undefined
  return (
    `Redis is out of memory (${mb(full.usedBytes)} used of maxmemory ${mb(full.maxBytes)}, policy noeviction): ` +
    'it refuses writes, so new jobs are refused with 503 until memory is freed'
  )
}
