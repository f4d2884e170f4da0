import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, LOOPBACK } from '../ports.js'
import { startProcess, tailOf, type ManagedProcess } from '../processes.js'
import { waitFor } from '../wait-for.js'

/** PING over a raw socket: true once a redis-server answers (NOAUTH counts: it is up all the same). */
function pingPort(port: number): Promise<boolean> {
  return new Promise((resolvePing) => {
    const socket = connect({ host: LOOPBACK, port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolvePing(ok)
    }
    socket.setTimeout(1_000, () => done(false))
    socket.on('error', () => done(false))
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (data) => done(/^(?:\+PONG|-NOAUTH)/.test(data.toString())))
  })
}

/** A redis-server of the test's own, persisted with AOF in a temporary directory. */
export interface PrivateRedis {
  readonly port: number
  readonly url: string
  readonly dir: string
  /** How many times it was (re)started. */
  readonly starts: number
  process(): ManagedProcess
  /** `kill -9`: no shutdown, no final save; only what the AOF holds survives. */
  kill(): Promise<void>
  /** Starts it again on the same port and directory and waits until it answers PING. */
  restart(): Promise<void>
  stop(): Promise<void>
}

/**
 * Starts redis-server on a free port with `--appendonly yes --appendfsync always` (every
 * acknowledged write is on disk) and no RDB snapshots, as the runbook's compose persists.
 * `extraArgs` add settings (`--requirepass`, `--maxmemory`…).
 */
export async function startPrivateRedis(extraArgs: string[] = []): Promise<PrivateRedis> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'flashcard-reliability-redis-'))
  const args = ['--port', String(port), '--bind', LOOPBACK, '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', ...extraArgs]
  let current: ManagedProcess
  let starts = 0
  const launch = async () => {
    current = startProcess(`redis-${port}`, 'redis-server', args, {})
    starts++
    await waitFor(`redis-server on port ${port} to answer PING`, async () => {
      if (!current.alive()) throw new Error(`redis-server exited:\n${tailOf(current)}`)
      return pingPort(port)
    })
  }
  await launch()
  return {
    port,
    url: `redis://${LOOPBACK}:${port}`,
    dir,
    get starts() {
      return starts
    },
    process: () => current,
    async kill() {
      current.signal('SIGKILL')
      await current.exited
    },
    restart: launch,
    async stop() {
      await current.stop(3_000)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
