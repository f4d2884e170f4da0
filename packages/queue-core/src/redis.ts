import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis'
import { parseRedisUrl, type RedisTarget } from './redis-url.js'

/** A connection to a single Redis (standalone or behind Sentinel) or to a Redis Cluster. */
export type RedisConnection = Redis | Cluster

/**
 * `worker`: blocking commands and retries forever, as BullMQ requires for workers and QueueEvents.
 * `producer`: fails fast while Redis is unreachable, so an HTTP request never hangs on it.
 */
export type ConnectionRole = 'worker' | 'producer'

export interface CreateRedisOptions {
  role: ConnectionRole
  /** Name shown by `CLIENT LIST`, handy when hunting a leaked connection. */
  connectionName?: string
  /** Milliseconds to wait for a TCP connect before giving up on that attempt. */
  connectTimeoutMs?: number
}

/** Reconnect with a capped backoff; never give up, a worker must survive a Redis restart. */
function retryStrategy(times: number): number {
  return Math.min(100 * 2 ** Math.min(times, 6), 3_000)
}

function roleOptions(role: ConnectionRole, connectTimeout: number): RedisOptions {
  if (role === 'worker') {
    return { maxRetriesPerRequest: null, enableReadyCheck: true, connectTimeout, retryStrategy }
  }
  return {
    // A producer's command fails at once while disconnected instead of queueing in memory.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout,
    commandTimeout: 5_000,
    retryStrategy,
  }
}

function nodeOptions(target: RedisTarget): RedisOptions {
  return {
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
    ...(target.tls ? { tls: {} } : {}),
  }
}

/** ioredis options for one REDIS_URL, without connecting. Exposed for tests and custom clients. */
export function redisOptionsFor(
  url: string,
  options: CreateRedisOptions,
): { kind: 'cluster'; nodes: { host: string; port: number }[]; options: ClusterOptions } | { kind: 'single'; options: RedisOptions } {
  const target = parseRedisUrl(url)
  const base: RedisOptions = {
    ...roleOptions(options.role, options.connectTimeoutMs ?? 10_000),
    ...(options.connectionName ? { connectionName: options.connectionName } : {}),
    lazyConnect: false,
  }
  switch (target.kind) {
    case 'standalone':
      return {
        kind: 'single',
        options: { ...base, ...nodeOptions(target), host: target.node.host, port: target.node.port, db: target.db },
      }
    case 'sentinel':
      return {
        kind: 'single',
        options: {
          ...base,
          ...nodeOptions(target),
          sentinels: target.sentinels,
          name: target.masterName,
          db: target.db,
          ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
          ...(target.tls ? { enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
          // Follow a failover the moment the sentinels announce it (+switch-master). Without this a
          // client keeps writing to the old master until the sentinels demote it, seconds later,
          // and every job written there in between is thrown away by the resync.
          failoverDetector: true,
          // A client that still reaches the demoted master reconnects instead of failing writes.
          // NOREPLICAS (min-replicas-to-write, docs/scaling.md) too: BullMQ retries a failed
          // script at once, so without the reconnect's backoff a worker spins on it, thousands
          // of errors a second, until the master has its replica back.
          reconnectOnError: (err: Error) => /^(READONLY|NOREPLICAS)/.test(err.message),
          sentinelRetryStrategy: retryStrategy,
        },
      }
    case 'cluster': {
      // Per-node options go under redisOptions; offline queueing and retries are the cluster's.
      const { enableOfflineQueue, retryStrategy: _perNodeRetry, ...perNode } = base
      return {
        kind: 'cluster',
        nodes: target.nodes,
        options: {
          redisOptions: { ...perNode, ...nodeOptions(target) },
          clusterRetryStrategy: retryStrategy,
          enableReadyCheck: true,
          ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
          ...(target.tls ? { dnsLookup: (address: string, callback: (err: null, addr: string) => void) => callback(null, address) } : {}),
        },
      }
    }
  }
}

/**
 * A Sentinel client that also ends its failover detector when it ends. ioredis closes the
 * detector's sentinel subscriptions only on disconnect(), not when the client ends by QUIT (as
 * BullMQ closes its connections), and those subscriptions keep the process from exiting.
 * Duplicates (BullMQ's blocking connections) are of the same kind.
 */
class SentinelClient extends Redis {
  constructor(options: RedisOptions & { replyMapping?: 'legacy' }) {
    super(options)
    this.on('end', () => this.disconnect())
  }

  override duplicate(override?: Partial<RedisOptions>): Redis {
    return new SentinelClient({ ...this.options, ...override, replyMapping: 'legacy' })
  }
}

/** Opens a connection for any REDIS_URL form of the runbook, tuned for the given role. */
export function createRedis(url: string, options: CreateRedisOptions): RedisConnection {
  const resolved = redisOptionsFor(url, options)
  if (resolved.kind === 'cluster') return new Cluster(resolved.nodes, resolved.options)
  const { replyMapping: _legacy, ...single } = resolved.options
  return single.sentinels ? new SentinelClient(single) : new Redis(single)
}

/** True when the URL names a Redis Cluster (several comma-separated nodes). */
export function isClusterUrl(url: string): boolean {
  return parseRedisUrl(url).kind === 'cluster'
}

/**
 * The key prefix BullMQ must use. On a cluster every key of a queue must hash to one slot for
 * BullMQ's multi-key Lua scripts, so the prefix is wrapped in a hash tag: `{flashcard}`.
 */
export function queuePrefixFor(prefix: string, cluster: boolean): string {
  if (!cluster || prefix.includes('{')) return prefix
  return `{${prefix}}`
}

/** Closes a connection politely, falling back to a hard disconnect if Redis is gone. */
export async function closeRedis(connection: RedisConnection): Promise<void> {
  if (connection.status === 'end') return
  try {
    await Promise.race([
      connection.quit(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('quit timed out')), 1_000).unref()),
    ])
  } catch {
    connection.disconnect()
  }
}
