/**
 * Child processes for tests, output kept in memory, each stopped by its PID. A process exit hook
 * SIGKILLs whatever a failed test left running; so does SIGTERM/SIGINT (how a test runner stops
 * a timed-out test, which skips 'exit' handlers), after which the process dies of that signal.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository's root folder (this package lives in packages/test-support/src). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

const running = new Set<ChildProcess>()
const killAll = () => {
  for (const child of running) child.kill('SIGKILL')
}
process.once('exit', killAll)
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    killAll()
    process.kill(process.pid, signal)
  })
}

/** How a child process ended: its exit code, or the signal that killed it. */
export interface ProcessEnd {
  code: number | null
  signal: NodeJS.Signals | null
}

/** A child process whose output is kept in memory, for assertions and for failure messages. */
export interface ManagedProcess {
  readonly name: string
  readonly child: ChildProcess
  readonly pid: number
  /** Everything it wrote to stdout and stderr so far. */
  output(): string
  /** The complete JSON log lines (pino) it printed so far, leaving out whatever else it printed. */
  logLines(): Record<string, unknown>[]
  /** Resolves with the exit code (or the signal name) once it has exited. */
  readonly exited: Promise<ProcessEnd>
  alive(): boolean
  signal(signal: NodeJS.Signals): void
  /**
   * SIGTERM (a graceful shutdown), then SIGKILL after `graceMs` (by default the start option's);
   * resolves once it has exited, with how it ended (`signal` is 'SIGKILL' when it did not stop by
   * itself).
   */
  stop(graceMs?: number): Promise<ProcessEnd>
}

export interface StartOptions {
  /** The working directory (the repository's root by default). */
  cwd?: string
  /**
   * false: the child's environment is `env` plus this process's PATH, nothing else (for a process
   * configured only through `env`, into which no variable of the test's own environment may leak);
   * `env` can still replace PATH. By default `env` is added to this process's environment.
   */
  inheritEnv?: boolean
  /** How long stop() waits after SIGTERM before it sends SIGKILL, unless told otherwise (5 s). */
  graceMs?: number
}

/** The JSON lines of `output` that are complete (newline-terminated) objects. */
function jsonLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .slice(0, -1)
    .flatMap((line) => {
      if (!line.startsWith('{')) return []
      try {
        return [JSON.parse(line) as Record<string, unknown>]
      } catch {
        return []
      }
    })
}

/**
 * Starts `command` with its stdout and stderr kept. `env` is added to this process's environment
 * (an `undefined` value leaves a variable out), or with `inheritEnv: false` is all it gets but PATH.
 * `options` may also be just the working directory.
 */
export function startProcess(name: string, command: string, args: string[], env: Record<string, string | undefined>, options: string | StartOptions = {}): ManagedProcess {
  const { cwd = ROOT, inheritEnv = true, graceMs: defaultGraceMs = 5_000 } = typeof options === 'string' ? { cwd: options } : options
  const base = inheritEnv ? process.env : { PATH: process.env.PATH }
  const child = spawn(command, args, { cwd, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  if (child.pid === undefined) throw new Error(`${name}: could not spawn ${command}`)
  running.add(child)
  const chunks: Buffer[] = []
  child.stdout.on('data', (data: Buffer) => chunks.push(data))
  child.stderr.on('data', (data: Buffer) => chunks.push(data))
  const exited = new Promise<ProcessEnd>((resolveExit) => {
    child.once('exit', (code, signal) => {
      running.delete(child)
      resolveExit({ code, signal })
    })
  })
  const alive = () => child.exitCode === null && child.signalCode === null
  const output = () => Buffer.concat(chunks).toString('utf8')
  return {
    name,
    child,
    pid: child.pid,
    output,
    logLines: () => jsonLines(output()),
    exited,
    alive,
    signal: (signal) => {
      if (alive()) child.kill(signal)
    },
    async stop(graceMs = defaultGraceMs) {
      if (!alive()) return exited
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      const end = await exited
      clearTimeout(timer)
      return end
    },
  }
}

/** The last lines of a process's output, for error messages. */
export function tailOf(proc: ManagedProcess, lines = 30): string {
  return `--- ${proc.name} (pid ${proc.pid}) ---\n${proc.output().split('\n').slice(-lines).join('\n')}`
}

/** Resident memory of a process in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1]
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`)
  return Number(kb) * 1024
}
