/**
 * This repository's own processes for the reliability suite, on @flashcards/test-support's
 * process starter: the example API server and worker processes (the `flashcard-workers` CLI or
 * the tuned worker entry beside this file).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, LOOPBACK as HOST, startProcess, tailOf, waitFor, type ManagedProcess, type ProcessEnd } from '@flashcards/test-support'

/** The example host server (examples/server.ts) as its own process. */
export interface ApiServer {
  readonly base: string
  readonly proc: ManagedProcess
  stop(): Promise<ProcessEnd>
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

/** Creates a temporary directory removed by the returned function. */
export function tempDir(kind: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `flashcard-reliability-${kind}-`))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}
