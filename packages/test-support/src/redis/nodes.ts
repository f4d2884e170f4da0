/** What the Redis Cluster and Sentinel starters share: ports, redis-server processes, admin connections. */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { LOOPBACK, portIsFree } from '../ports.js'
import { startProcess, type ManagedProcess } from '../processes.js'
import { waitFor } from '../wait-for.js'

/**
 * A free port, picked at random in 20000–44999 so that port + 10000 (a cluster node's bus port)
 * is a valid port too; both must be free. Ports already handed out in this process are skipped.
 */
const handedOut = new Set<number>()
export async function nodePort(): Promise<number> {
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

export interface RedisNode {
  port: number
  proc: ManagedProcess
  logFile: string
}

export function spawnRedis(dir: string, name: string, args: string[], port: number): RedisNode {
  const logFile = join(dir, `${name}.log`)
  return { port, proc: startProcess(name, 'redis-server', [...args, '--logfile', logFile], {}), logFile }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n')
  } catch {
    return '(no log)'
  }
}

/** A short-lived admin connection that never retries, for checks and commands in the tests. */
function adminConnection(port: number, password?: string): Redis {
  const redis = new Redis({ host: LOOPBACK, port, maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true, ...(password ? { password } : {}) })
  redis.on('error', () => {})
  return redis
}

export async function withAdmin<T>(port: number, run: (redis: Redis) => Promise<T>, password?: string): Promise<T> {
  const redis = adminConnection(port, password)
  try {
    await redis.connect()
    return await run(redis)
  } finally {
    redis.disconnect()
  }
}

export async function waitForPing(node: RedisNode, password?: string): Promise<void> {
  await waitFor(`redis on port ${node.port} to answer PING`, async () => {
    if (!node.proc.alive()) throw new Error(`redis-server on port ${node.port} exited: ${tail(node.logFile)}`)
    return (await withAdmin(node.port, (r) => r.ping(), password)) === 'PONG'
  })
}

export function baseArgs(port: number, dir: string): string[] {
  return ['--port', String(port), '--bind', LOOPBACK, '--dir', dir, '--save', '', '--appendonly', 'no']
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

export function makeTempDir(kind: string): string {
  requireRedisBinaries()
  return mkdtempSync(join(tmpdir(), `flashcard-${kind}-`))
}

export async function stopAll(nodes: RedisNode[], dir: string): Promise<void> {
  await Promise.all(nodes.map((node) => node.proc.stop(3_000)))
  rmSync(dir, { recursive: true, force: true })
}
