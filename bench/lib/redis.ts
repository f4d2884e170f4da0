import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { freePort, waitFor } from './process.js'

/**
 * A redis-server of the bench's own on a free loopback port: INFO commandstats and used_memory
 * then count only what the bench does, never other tests sharing the machine's Redis.
 */
export interface PrivateRedis {
  url: string
  client: Redis
  /** FLUSHALL and CONFIG RESETSTAT: the next phase starts from an empty, uncounted server. */
  reset(): Promise<void>
  stop(): Promise<void>
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort()
  const dir = await mkdtemp(join(tmpdir(), 'flashcard-bench-redis-'))
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'],
    { stdio: 'ignore' },
  )
  const spawnError = new Promise<never>((_, reject) => child.once('error', (err) => reject(new Error(`cannot start redis-server (is it on PATH?): ${err.message}`))))
  spawnError.catch(() => {})
  const url = `redis://127.0.0.1:${port}`
  const client = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true, retryStrategy: () => 100 })
  client.on('error', () => {})
  await Promise.race([
    spawnError,
    waitFor(async () => {
      try {
        if (client.status !== 'ready') await client.connect()
        return (await client.ping()) === 'PONG'
      } catch {
        return false
      }
    }, 10_000, `redis-server on port ${port}`),
  ])
  return {
    url,
    client,
    async reset() {
      await client.flushall()
      await client.config('RESETSTAT')
    },
    async stop() {
      client.disconnect()
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      await rm(dir, { recursive: true, force: true })
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
