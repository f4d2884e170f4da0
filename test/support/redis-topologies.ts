/**
 * Starts and stops real multi-node Redis topologies on loopback for the scaling tests: a Redis
 * Cluster (three masters) and a Sentinel setup (master, replica, three sentinels). Every process
 * runs from `redis-server` on PATH in a temporary directory, on free ports (never 6379), and is
 * stopped by its PID; the directory is removed. A process exit hook kills whatever a crashed
 * test left running.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { waitFor } from './processes.js'

const HOST = '127.0.0.1'
const running = new Set<ChildProcess>()
const killAll = () => {
  for (const child of running) child.kill('SIGKILL')
}
process.once('exit', killAll)
// A test runner stops a timed-out test with a signal, which skips 'exit' handlers: kill the
// servers, then die of the same signal.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    killAll()
    process.kill(process.pid, signal)
  })
}

export { waitFor }

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, HOST, () => server.close(() => resolve(true)))
  })
}

/**
 * A free port, picked at random in 20000–44999 so that port + 10000 (a cluster node's bus port)
 * is a valid port too; both must be free. Ports already handed out in this process are skipped.
 */
const handedOut = new Set<number>()
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 25_000)
    if (handedOut.has(port)) continue
    if ((await portIsFree(port)) && (await portIsFree(port + 10_000))) {
      handedOut.add(port)
      return port
    }
  }
  throw new Error('no free loopback port pair found')
}

interface RedisProcess {
  port: number
  child: ChildProcess
  logFile: string
}

function spawnRedis(dir: string, name: string, args: string[], port: number): RedisProcess {
  const logFile = join(dir, `${name}.log`)
  const child = spawn('redis-server', [...args, '--logfile', logFile], { stdio: 'ignore' })
  running.add(child)
  child.once('exit', () => running.delete(child))
  return { port, child, logFile }
}

async function stopProcess(proc: RedisProcess): Promise<void> {
  const { child } = proc
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000)
  await exited
  clearTimeout(timer)
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n')
  } catch {
    return '(no log)'
  }
}

/** A short-lived admin connection that never retries, for checks and commands in the tests. */
export function adminConnection(port: number, password?: string): Redis {
  const redis = new Redis({ host: HOST, port, maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true, ...(password ? { password } : {}) })
  redis.on('error', () => {})
  return redis
}

async function withAdmin<T>(port: number, run: (redis: Redis) => Promise<T>, password?: string): Promise<T> {
  const redis = adminConnection(port, password)
  try {
    await redis.connect()
    return await run(redis)
  } finally {
    redis.disconnect()
  }
}

async function waitForPing(proc: RedisProcess, password?: string): Promise<void> {
  await waitFor(`redis on port ${proc.port} to answer PING`, async () => {
    if (proc.child.exitCode !== null) throw new Error(`redis-server on port ${proc.port} exited: ${tail(proc.logFile)}`)
    return (await withAdmin(proc.port, (r) => r.ping(), password)) === 'PONG'
  })
}

function baseArgs(port: number, dir: string): string[] {
  return ['--port', String(port), '--bind', HOST, '--dir', dir, '--save', '', '--appendonly', 'no']
}

/** Fails with guidance, instead of a bare ENOENT, when the Redis binaries are missing. */
function requireRedisBinaries(): void {
  for (const binary of ['redis-server', 'redis-cli']) {
    if (spawnSync(binary, ['--version'], { stdio: 'ignore' }).status !== 0) {
      throw new Error(
        `${binary} is not on PATH. The Redis Cluster and Sentinel tests start their own servers: install Redis 7 ` +
          '(Debian/Ubuntu: apt install redis-server; macOS: brew install redis).',
      )
    }
  }
}

function makeTempDir(kind: string): string {
  requireRedisBinaries()
  return mkdtempSync(join(tmpdir(), `flashcard-${kind}-`))
}

async function stopAll(processes: RedisProcess[], dir: string): Promise<void> {
  await Promise.all(processes.map(stopProcess))
  rmSync(dir, { recursive: true, force: true })
}

/** A running Redis Cluster and the REDIS_URL that names it. */
export interface RedisClusterSetup {
  /** `redis://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3`: the runbook's cluster form. */
  url: string
  ports: number[]
  /** The port of the master that owns the hash slot of `key`. */
  ownerOf(key: string): Promise<number>
  stop(): Promise<void>
}

/** Starts `masters` cluster-enabled redis-servers and joins them with `redis-cli --cluster create`. */
export async function startRedisCluster(masters = 3): Promise<RedisClusterSetup> {
  const dir = makeTempDir('cluster')
  const processes: RedisProcess[] = []
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort()
      processes.push(
        spawnRedis(
          dir,
          `node-${port}`,
          [...baseArgs(port, dir), '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '3000'],
          port,
        ),
      )
    }
    await Promise.all(processes.map((p) => waitForPing(p)))
    const nodes = processes.map((p) => `${HOST}:${p.port}`)
    const created = spawnSync('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'], {
      encoding: 'utf8',
      timeout: 30_000,
    })
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}\n${created.stderr}`)
    // Every node must see the whole slot map before a client's first slot refresh.
    for (const proc of processes) {
      await waitFor(`cluster_state:ok on port ${proc.port}`, () =>
        withAdmin(proc.port, async (r) => {
          const info = String(await r.call('CLUSTER', 'INFO'))
          return info.includes('cluster_state:ok') && info.includes('cluster_slots_ok:16384') && info.includes(`cluster_known_nodes:${masters}`)
        }),
      )
    }
  } catch (err) {
    await stopAll(processes, dir)
    throw err
  }
  const ports = processes.map((p) => p.port)
  return {
    url: `redis://${ports.map((p) => `${HOST}:${p}`).join(',')}`,
    ports,
    async ownerOf(key) {
      return withAdmin(ports[0]!, async (r) => {
        const slot = Number(await r.call('CLUSTER', 'KEYSLOT', key))
        const ranges = (await r.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, ...unknown[]], ...unknown[]][]
        const owner = ranges.find(([from, to]) => slot >= from && slot <= to)
        if (!owner) throw new Error(`no node owns slot ${slot}`)
        return Number(owner[2][1])
      })
    },
    stop: () => stopAll(processes, dir),
  }
}

export interface SentinelOptions {
  /** requirepass/masterauth on the data nodes and `sentinel auth-pass` on the sentinels. */
  password?: string
  /** requirepass on the sentinels themselves (REDIS_URL `?sentinelPassword=`). */
  sentinelPassword?: string
  /** `min-replicas-to-write` on the data nodes (0, the Redis default, disables it). */
  minReplicasToWrite?: number
}

/** A master, a replica and three sentinels, and the REDIS_URL that names them. */
export interface RedisSentinelSetup {
  /** `redis+sentinel://[:password@]127.0.0.1:S1,…/mymaster[?sentinelPassword=…]`. */
  url: string
  masterName: string
  sentinelPorts: number[]
  /** The port the sentinels currently report as master. */
  masterPort(): Promise<number>
  /**
   * Runs `SENTINEL FAILOVER` and resolves once every sentinel names the new master and the old
   * one has rejoined as its replica. Returns the ports before and after.
   */
  failover(): Promise<{ from: number; to: number }>
  stop(): Promise<void>
}

export const MASTER_NAME = 'mymaster'

/** Starts a master, one replica and three sentinels (quorum 2) with short detection timeouts. */
export async function startRedisSentinel(options: SentinelOptions = {}): Promise<RedisSentinelSetup> {
  const { password, sentinelPassword } = options
  const dir = makeTempDir('sentinel')
  const processes: RedisProcess[] = []
  const dataPorts: number[] = []
  const sentinelPorts: number[] = []
  const auth = password ? ['--requirepass', password, '--masterauth', password] : []
  const safety = ['--min-replicas-to-write', String(options.minReplicasToWrite ?? 0), '--min-replicas-max-lag', '5']
  try {
    const masterPort = await freePort()
    const replicaPort = await freePort()
    dataPorts.push(masterPort, replicaPort)
    const master = spawnRedis(dir, `master-${masterPort}`, [...baseArgs(masterPort, dir), ...auth, ...safety], masterPort)
    const replica = spawnRedis(
      dir,
      `replica-${replicaPort}`,
      [...baseArgs(replicaPort, dir), ...auth, ...safety, '--replicaof', HOST, String(masterPort)],
      replicaPort,
    )
    processes.push(master, replica)
    await Promise.all([waitForPing(master, password), waitForPing(replica, password)])
    await waitFor('the replica to be in sync with the master', () =>
      withAdmin(masterPort, async (r) => /slave0:.*state=online/.test(await r.info('replication')), password),
    )

    for (let i = 0; i < 3; i++) {
      const port = await freePort()
      sentinelPorts.push(port)
      const conf = join(dir, `sentinel-${port}.conf`)
      writeFileSync(
        conf,
        [
          `port ${port}`,
          `bind ${HOST}`,
          `dir ${dir}`,
          `sentinel monitor ${MASTER_NAME} ${HOST} ${masterPort} 2`,
          `sentinel down-after-milliseconds ${MASTER_NAME} 2000`,
          `sentinel failover-timeout ${MASTER_NAME} 10000`,
          `sentinel parallel-syncs ${MASTER_NAME} 1`,
          ...(password ? [`sentinel auth-pass ${MASTER_NAME} ${password}`] : []),
          ...(sentinelPassword ? [`requirepass ${sentinelPassword}`, `sentinel sentinel-pass ${sentinelPassword}`] : []),
          '',
        ].join('\n'),
      )
      processes.push(spawnRedis(dir, `sentinel-${port}`, [conf, '--sentinel'], port))
    }
    const sentinels = processes.slice(2)
    await Promise.all(sentinels.map((s) => waitForPing(s, sentinelPassword)))
    // A forced failover needs the sentinel to know a healthy replica; quorum needs the others.
    for (const port of sentinelPorts) {
      await waitFor(`sentinel ${port} to see the replica and the other sentinels`, () =>
        withAdmin(
          port,
          async (r) => {
            const replicas = (await r.call('SENTINEL', 'REPLICAS', MASTER_NAME)) as string[][]
            const peers = (await r.call('SENTINEL', 'SENTINELS', MASTER_NAME)) as string[][]
            const healthy = replicas.some((fields) => {
              const flags = fields[fields.indexOf('flags') + 1] ?? ''
              return flags === 'slave'
            })
            return healthy && peers.length === 2
          },
          sentinelPassword,
        ),
      )
    }
  } catch (err) {
    await stopAll(processes, dir)
    throw err
  }

  const query = sentinelPassword ? `?sentinelPassword=${encodeURIComponent(sentinelPassword)}` : ''
  const userinfo = password ? `:${encodeURIComponent(password)}@` : ''
  const askSentinel = (port: number) =>
    withAdmin(port, async (r) => Number(((await r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME)) as string[])[1]), sentinelPassword)
  const role = (port: number) => withAdmin(port, async (r) => ((await r.call('ROLE')) as [string, ...unknown[]])[0], password)

  return {
    url: `redis+sentinel://${userinfo}${sentinelPorts.map((p) => `${HOST}:${p}`).join(',')}/${MASTER_NAME}${query}`,
    masterName: MASTER_NAME,
    sentinelPorts,
    masterPort: () => askSentinel(sentinelPorts[0]!),
    async failover() {
      const from = await askSentinel(sentinelPorts[0]!)
      const to = dataPorts.find((p) => p !== from)!
      // The replica must be in sync, or the sentinel refuses with NOGOODSLAVE.
      await waitFor('the replica to be in sync before the failover', () =>
        withAdmin(from, async (r) => /slave0:.*state=online/.test(await r.info('replication')), password),
      )
      await withAdmin(sentinelPorts[0]!, (r) => r.call('SENTINEL', 'FAILOVER', MASTER_NAME), sentinelPassword)
      for (const port of sentinelPorts) {
        await waitFor(`sentinel ${port} to name ${to} as master`, async () => (await askSentinel(port)) === to, 30_000)
      }
      await waitFor(`port ${from} to rejoin as a replica of ${to}`, async () => (await role(from)) === 'slave', 30_000)
      return { from, to }
    },
    stop: () => stopAll(processes, dir),
  }
}
