// Finds a Redis for the demo and the tests, or starts a throwaway one from PATH.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { freePort } from './ports.mjs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** True when something at the URL answers PING with PONG within a second. */
export function ping(url) {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) })
    const done = (ok) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.on('error', () => done(false))
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')))
  })
}

function hasRedisServer() {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0
}

/** True when the URL answers or a throwaway redis-server can be started. */
export async function redisObtainable(url) {
  return (await ping(url)) || hasRedisServer()
}

export const NO_REDIS_HELP = `
✖ No Redis is reachable and redis-server is not on PATH.

  This needs Redis 7. Either:
    • start one with Docker:   docker compose -f docker-compose.redis.yml up -d
    • or install your OS package (Debian/Ubuntu: sudo apt install redis-server;
      macOS: brew install redis) and run it, or put redis-server on PATH
    • or point REDIS_URL / TEST_REDIS_URL at an existing Redis.
`

/**
 * Returns `{ url, stop }`: the given URL when it answers, else a redis-server started on a free
 * loopback port with a temporary directory (stopped and removed by `stop`). Exits 1 with
 * guidance when neither is possible.
 */
export async function ensureRedis(url) {
  if (await ping(url)) return { url, started: false, stop: async () => {} }
  if (!hasRedisServer()) {
    console.error(NO_REDIS_HELP)
    process.exit(1)
  }
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'flashcard-redis-'))
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  })
  const started = `redis://127.0.0.1:${port}`
  const deadline = Date.now() + 10_000
  while (!(await ping(started))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL')
      console.error(`✖ redis-server did not start on port ${port}`)
      process.exit(1)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  console.log(`• started a throwaway redis-server on ${started}`)
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    }
    rmSync(dir, { recursive: true, force: true })
  }
  return { url: started, started: true, stop }
}
