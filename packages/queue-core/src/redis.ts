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
          reconnectOnError: (err: Error) => /^(?:READONLY|NOREPLICAS)/.test(err.message),
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

/** A single Redis, or one behind Sentinel when the options name sentinels. */
function openSingle(options: RedisOptions): RedisConnection {
  const { replyMapping: _legacy, ...single } = options
  return single.sentinels ? new SentinelClient(single) : new Redis(single)
}

/** Opens a connection for any REDIS_URL form of the runbook, tuned for the given role. */
export function createRedis(url: string, options: CreateRedisOptions): RedisConnection {
  const resolved = redisOptionsFor(url, options)
  if (resolved.kind === 'cluster') return new Cluster(resolved.nodes, resolved.options)
  return openSingle(resolved.options)
}

/**
 * Every way a caller may name its Redis, as BullMQ itself accepts them:
 * - a REDIS_URL string, in any form of the runbook (opened, and closed by whoever opened it);
 * - an open ioredis `Redis` or `Cluster` (used as it is, and left open: its owner closes it);
 * - ioredis options for one Redis, `{ host, port, password, tls, db, … }` or with `sentinels`
 *   (opened with the role's defaults under the caller's values, and closed like a URL's).
 */
export type ConnectionInput = string | RedisConnection | RedisOptions

/** Duck-typed: the caller's ioredis may be another copy of the package than ours. */
export function isRedisConnection(value: unknown): value is RedisConnection {
  const candidate = value as Partial<RedisConnection> | null
  return !!candidate && typeof candidate === 'object' && typeof candidate.duplicate === 'function' && typeof candidate.status === 'string'
}

/** How a bad value is named in a message: strings quoted (and cut), anything else by its kind. */
const received = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value.slice(0, 60)) : Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value)

/** What is wrong with a connection value: where (`''`, `.host`, `.port`, …) and what. */
export interface ConnectionProblem {
  at: string
  message: string
}

/** What is wrong with one field of an options object, if anything. */
function optionProblem(options: Record<string, unknown>): ConnectionProblem | undefined {
  const { host, port, path, sentinels } = options
  if (host !== undefined && (typeof host !== 'string' || host.trim() === '')) return { at: '.host', message: `must be a host name or address, got ${received(host)}` }
  if (port !== undefined && !(typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65_535)) {
    return { at: '.port', message: `must be an integer from 1 to 65535, got ${typeof port === 'number' ? port : received(port)}` }
  }
  if (path !== undefined && (typeof path !== 'string' || path === '')) return { at: '.path', message: `must be a Unix socket path, got ${received(path)}` }
  if (sentinels !== undefined && (!Array.isArray(sentinels) || sentinels.length === 0)) {
    return { at: '.sentinels', message: `must be a non-empty array of { host, port }, got ${received(sentinels)}` }
  }
  if (host === undefined && port === undefined && path === undefined && sentinels === undefined) {
    return { at: '', message: 'has none of host, port, path or sentinels: give at least { host, port }' }
  }
  return undefined
}

/**
 * Why `value` is no ConnectionInput, or undefined when it is one. The message never quotes an
 * options object's values other than host, port and path: a password stays out of it.
 */
export function connectionInputProblem(value: unknown): ConnectionProblem | undefined {
  const expected = 'a REDIS_URL (redis://…), an ioredis Redis/Cluster instance, or ioredis options { host, port, … }'
  if (value === undefined || value === null) return { at: '', message: `is required: ${expected}` }
  if (typeof value === 'string') return value.trim() === '' ? { at: '', message: `is an empty string: ${expected}` } : undefined
  if (isRedisConnection(value)) return undefined
  if (typeof value !== 'object' || Array.isArray(value)) return { at: '', message: `must be ${expected}, got ${received(value)}` }
  return optionProblem(value as Record<string, unknown>)
}

/** A connection opened from a ConnectionInput, and whether the opener must close it. */
export interface OpenedConnection {
  connection: RedisConnection
  owned: boolean
}

/**
 * Opens (or takes) the connection a ConnectionInput names, tuned for `options.role`. A `worker`
 * connection keeps BullMQ's requirement (no per-command retry limit) whatever the options say.
 * Throws a TypeError naming what is wrong with an invalid input.
 */
export function openConnection(input: ConnectionInput, options: CreateRedisOptions): OpenedConnection {
  const problem = connectionInputProblem(input)
  if (problem) throw new TypeError(`connection${problem.at} ${problem.message}`)
  if (typeof input === 'string') return { connection: createRedis(input, options), owned: true }
  if (isRedisConnection(input)) return { connection: input, owned: false }
  const tuned: RedisOptions = {
    ...roleOptions(options.role, options.connectTimeoutMs ?? 10_000),
    ...(options.connectionName ? { connectionName: options.connectionName } : {}),
    ...input,
    ...(options.role === 'worker' ? { maxRetriesPerRequest: null } : {}),
  }
  return { connection: openSingle(tuned), owned: true }
}

/**
 * A factory of blocking connections (BullMQ QueueEvents, workers) to the server `input` names:
 * new ones from a URL or options, duplicates of an open connection with unlimited retries and no
 * command timeout, as BullMQ requires (the caller's may be tuned to fail commands fast).
 */
export function blockingConnections(input: ConnectionInput, connectionName: string): () => RedisConnection {
  if (!isRedisConnection(input)) return () => openConnection(input, { role: 'worker', connectionName }).connection
  const blocking = { maxRetriesPerRequest: null, enableOfflineQueue: true, commandTimeout: undefined }
  if (input.isCluster) {
    const cluster = input as Cluster
    return () => cluster.duplicate(undefined, { enableOfflineQueue: true, redisOptions: { ...cluster.options.redisOptions, ...blocking } })
  }
  return () => (input as Redis).duplicate(blocking)
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
    await Promise.race([connection.quit(), new Promise((_, reject) => setTimeout(() => reject(new Error('quit timed out')), 1_000).unref())])
  } catch {
    connection.disconnect()
  }
}
