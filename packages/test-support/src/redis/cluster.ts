/**
 * A real Redis Cluster on loopback (three masters by default) for the scaling tests: every node
 * runs from `redis-server` on PATH in a temporary directory, on free ports (never 6379), and is
 * stopped by its PID; the directory is removed.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { LOOPBACK } from '../ports.js'
import { waitFor } from '../wait-for.js'
import { baseArgs, makeTempDir, nodePort, spawnRedis, stopAll, waitForPing, withAdmin, type RedisNode } from './nodes.js'

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
  const processes: RedisNode[] = []
  try {
    for (let i = 0; i < masters; i++) {
      const port = await nodePort()
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
    const nodes = processes.map((p) => `${LOOPBACK}:${p.port}`)
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
    url: `redis://${ports.map((p) => `${LOOPBACK}:${p}`).join(',')}`,
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
