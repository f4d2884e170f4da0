/**
 * A real Redis Sentinel setup on loopback (master, replica, three sentinels) for the scaling
 * tests, started like the cluster nodes (`./nodes.ts`).
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LOOPBACK } from '../ports.js'
import { waitFor } from '../wait-for.js'
import { baseArgs, makeTempDir, nodePort, spawnRedis, stopAll, waitForPing, withAdmin, type RedisNode } from './nodes.js'

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

const MASTER_NAME = 'mymaster'

/** Starts a master, one replica and three sentinels (quorum 2) with short detection timeouts. */
export async function startRedisSentinel(options: SentinelOptions = {}): Promise<RedisSentinelSetup> {
  const { password, sentinelPassword } = options
  const dir = makeTempDir('sentinel')
  const processes: RedisNode[] = []
  let dataPorts: number[]
  let sentinelPorts: number[]
  try {
    dataPorts = await startDataNodes(dir, options, processes)
    sentinelPorts = await startSentinels(dir, dataPorts[0]!, options, processes)
  } catch (err) {
    await stopAll(processes, dir)
    throw err
  }

  const query = sentinelPassword ? `?sentinelPassword=${encodeURIComponent(sentinelPassword)}` : ''
  const userinfo = password ? `:${encodeURIComponent(password)}@` : ''
  const askSentinel = (port: number) => withAdmin(port, async (r) => Number(((await r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME)) as string[])[1]), sentinelPassword)
  const role = (port: number) => withAdmin(port, async (r) => ((await r.call('ROLE')) as [string, ...unknown[]])[0], password)

  return {
    url: `redis+sentinel://${userinfo}${sentinelPorts.map((p) => `${LOOPBACK}:${p}`).join(',')}/${MASTER_NAME}${query}`,
    masterName: MASTER_NAME,
    sentinelPorts,
    masterPort: () => askSentinel(sentinelPorts[0]!),
    async failover() {
      const from = await askSentinel(sentinelPorts[0]!)
      const to = dataPorts.find((p) => p !== from)!
      // The replica must be in sync, or the sentinel refuses with NOGOODSLAVE.
      await waitForReplicaInSync(from, password, 'the replica to be in sync before the failover')
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

async function waitForReplicaInSync(masterPort: number, password: string | undefined, what: string): Promise<void> {
  await waitFor(what, () => withAdmin(masterPort, async (r) => /slave0:.*state=online/.test(await r.info('replication')), password))
}

/** The master and its replica, in sync; returns their ports, master first. */
async function startDataNodes(dir: string, options: SentinelOptions, processes: RedisNode[]): Promise<number[]> {
  const { password } = options
  const auth = password ? ['--requirepass', password, '--masterauth', password] : []
  const safety = ['--min-replicas-to-write', String(options.minReplicasToWrite ?? 0), '--min-replicas-max-lag', '5']
  const masterPort = await nodePort()
  const replicaPort = await nodePort()
  const master = spawnRedis(dir, `master-${masterPort}`, [...baseArgs(masterPort, dir), ...auth, ...safety], masterPort)
  const replica = spawnRedis(dir, `replica-${replicaPort}`, [...baseArgs(replicaPort, dir), ...auth, ...safety, '--replicaof', LOOPBACK, String(masterPort)], replicaPort)
  processes.push(master, replica)
  await Promise.all([waitForPing(master, password), waitForPing(replica, password)])
  await waitForReplicaInSync(masterPort, password, 'the replica to be in sync with the master')
  return [masterPort, replicaPort]
}

/** Three sentinels watching the master, each aware of the replica and of the two others; returns their ports. */
async function startSentinels(dir: string, masterPort: number, options: SentinelOptions, processes: RedisNode[]): Promise<number[]> {
  const { sentinelPassword } = options
  const ports: number[] = []
  const sentinels: RedisNode[] = []
  for (let i = 0; i < 3; i++) {
    const port = await nodePort()
    ports.push(port)
    const conf = join(dir, `sentinel-${port}.conf`)
    writeFileSync(conf, sentinelConf(port, dir, masterPort, options))
    const sentinel = spawnRedis(dir, `sentinel-${port}`, [conf, '--sentinel'], port)
    processes.push(sentinel)
    sentinels.push(sentinel)
  }
  await Promise.all(sentinels.map((s) => waitForPing(s, sentinelPassword)))
  // A forced failover needs the sentinel to know a healthy replica; quorum needs the others.
  for (const port of ports) {
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
  return ports
}

function sentinelConf(port: number, dir: string, masterPort: number, { password, sentinelPassword }: SentinelOptions): string {
  return [
    `port ${port}`,
    `bind ${LOOPBACK}`,
    `dir ${dir}`,
    `sentinel monitor ${MASTER_NAME} ${LOOPBACK} ${masterPort} 2`,
    `sentinel down-after-milliseconds ${MASTER_NAME} 2000`,
    `sentinel failover-timeout ${MASTER_NAME} 10000`,
    `sentinel parallel-syncs ${MASTER_NAME} 1`,
    ...(password ? [`sentinel auth-pass ${MASTER_NAME} ${password}`] : []),
    ...(sentinelPassword ? [`requirepass ${sentinelPassword}`, `sentinel sentinel-pass ${sentinelPassword}`] : []),
    '',
  ].join('\n')
}
