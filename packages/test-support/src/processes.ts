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
  child.stdout.on('data', (data: Buffer) => chunks.push(data))
  child.stderr.on('data', (data: Buffer) => chunks.push(data))
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

/** Resident memory of a process in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1]
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`)
  return Number(kb) * 1024
}
