/**
 * Real processes for the reliability suite: private redis-servers (with AOF, killable and
 * restartable on the same port and directory), the example API server, and worker processes
 * (the `flashcard-workers` CLI or the tuned worker entry beside this file). Every process is
 * stopped by its PID; an exit hook SIGKILLs whatever a failed test left running.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const HOST = '127.0.0.1'

const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

/** Polls `check` until it returns a truthy value or the deadline passes; the error names what it waited for. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  for (;;) {
    try {
      const value = await check()
      if (value) return value
      lastError = undefined
    } catch (err) {
      lastError = err
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : ''
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`)
    }
    await sleep(everyMs)
  }
}

/** A free loopback TCP port, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, HOST, () => {
      const address = server.address()
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** A child process whose output is kept in memory, for assertions and for failure messages. */
export interface ManagedProcess {
  readonly name: string
  readonly child: ChildProcess
  readonly pid: number
  /** Everything it wrote to stdout and stderr so far. */
  output(): string
  /** Resolves with the exit code (or the signal name) once it has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  alive(): boolean
  signal(signal: NodeJS.Signals): void
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>
}

/** `env` is added to this process's environment (an `undefined` value leaves a variable out). */
export function startProcess(name: string, command: string, args: string[], env: Record<string, string | undefined>, cwd = ROOT): ManagedProcess {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  if (child.pid === undefined) throw new Error(`${name}: could not spawn ${command}`)
  running.add(child)
  const chunks: Buffer[] = []
  child.stdout!.on('data', (data: Buffer) => chunks.push(data))
  child.stderr!.on('data', (data: Buffer) => chunks.push(data))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once('exit', (code, signal) => {
      running.delete(child)
      resolveExit({ code, signal })
    })
  })
  const alive = () => child.exitCode === null && child.signalCode === null
  return {
    name,
    child,
    pid: child.pid,
    output: () => Buffer.concat(chunks).toString('utf8'),
    exited,
    alive,
    signal: (signal) => {
      if (alive()) child.kill(signal)
    },
    async stop(graceMs = 5_000) {
      if (!alive()) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    },
  }
}

/** The last lines of a process's output, for error messages. */
export function tailOf(proc: ManagedProcess, lines = 30): string {
  return `--- ${proc.name} (pid ${proc.pid}) ---\n${proc.output().split('\n').slice(-lines).join('\n')}`
}

function pingPort(port: number): Promise<boolean> {
  return new Promise((resolvePing) => {
    const socket = connect({ host: HOST, port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolvePing(ok)
    }
    socket.setTimeout(1_000, () => done(false))
    socket.on('error', () => done(false))
    socket.on('connect', () => socket.write('PING\r\n'))
    // A password-protected server answers NOAUTH: it is up all the same.
    socket.on('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())))
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
  const args = ['--port', String(port), '--bind', HOST, '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', ...extraArgs]
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
    url: `redis://${HOST}:${port}`,
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

/** The example host server (examples/server.ts) as its own process. */
export interface ApiServer {
  readonly base: string
  readonly proc: ManagedProcess
  stop(): Promise<void>
}

/**
 * Starts examples/server.ts with `node --import tsx` on a free port and waits until it answers
 * HTTP (any status: the health route may say 503 until a worker beats).
 */
export async function startApiServer(env: Record<string, string | undefined>): Promise<ApiServer> {
  const port = await freePort()
  const proc = startProcess('api-server', process.execPath, ['--import', 'tsx', 'examples/server.ts'], {
    PORT: String(port),
    HOST,
    ...env,
  })
  const base = `http://${HOST}:${port}/api/flashcards`
  await waitForHttp(proc, `${base}/orchestrator/health`)
  return { base, proc, stop: () => proc.stop() }
}

/** Waits until a server process answers `url` with any status (it fails at once if the process exits). */
export async function waitForHttp(proc: ManagedProcess, url: string): Promise<void> {
  await waitFor(
    `${proc.name} to answer HTTP`,
    async () => {
      if (!proc.alive()) throw new Error(`${proc.name} exited:\n${tailOf(proc)}`)
      await fetch(url)
      return true
    },
    60_000,
    100,
  )
}

/** The real `flashcard-workers` CLI (packages/workers/dist/cli.js). */
export function startWorkerCli(command: 'orchestrator' | 'transcription' | 'all', env: Record<string, string | undefined>, args: string[] = []): ManagedProcess {
  return startProcess(`flashcard-workers ${command}`, process.execPath, ['packages/workers/dist/cli.js', command, ...args], env)
}

export interface TunedWorkerOptions {
  /** BullMQ stalledInterval (the CLI uses the runbook's 30 s). */
  stalledIntervalMs: number
  /** BullMQ lockDuration. */
  lockDurationMs: number
  /** Directory where every onResult call appends its job id (one file per job). */
  markerDir: string
}

/**
 * An orchestrator worker process (test/support/worker-process.ts) on the workers package's public
 * API, with stalled-job timings short enough for a test and a result hook that records every
 * call in `markerDir`.
 */
export function startTunedWorker(name: string, tuning: TunedWorkerOptions, env: Record<string, string | undefined>): ManagedProcess {
  return startProcess(name, process.execPath, ['--import', 'tsx', 'test/support/worker-process.ts'], {
    ...env,
    TEST_STALLED_INTERVAL_MS: String(tuning.stalledIntervalMs),
    TEST_LOCK_DURATION_MS: String(tuning.lockDurationMs),
    TEST_RESULT_MARKER_DIR: tuning.markerDir,
  })
}

/** Waits until a worker process logs that its BullMQ worker runs (`worker started`). */
export async function waitForWorkerStarted(proc: ManagedProcess, count = 1): Promise<void> {
  await waitFor(
    `${proc.name} to start ${count} worker(s)`,
    () => {
      if (!proc.alive()) throw new Error(`${proc.name} exited:\n${tailOf(proc)}`)
      return proc.output().split('worker started').length - 1 >= count
    },
    60_000,
    100,
  )
}

/** Result-hook calls per job id, read from a marker directory: `{ jobId: [pid, pid…] }`. */
export function readMarkers(markerDir: string): Map<string, string[]> {
  const markers = new Map<string, string[]>()
  for (const file of readdirSync(markerDir)) {
    const lines = readFileSync(join(markerDir, file), 'utf8').split('\n').filter(Boolean)
    markers.set(file, lines)
  }
  return markers
}

/** Resident memory of a process in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1]
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`)
  return Number(kb) * 1024
}

/** Creates a temporary directory removed by the returned function. */
export function tempDir(kind: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `flashcard-reliability-${kind}-`))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}
