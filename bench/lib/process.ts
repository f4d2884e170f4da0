import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Polls `check` until it is true; throws naming `what` after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(everyMs)
  }
}

/** A child process the bench started: its output collected, stopped by pid on `stop()`. */
export interface Child {
  process: ChildProcess
  pid: number
  output(): string
  /** Resolves with the first line of stdout that `match` accepts. */
  line(match: (line: string) => boolean, timeoutMs: number): Promise<string>
  stop(signal?: NodeJS.Signals): Promise<void>
}

/** `node [--import tsx] <script> …args` from the repository root. */
export function spawnNode(script: string, args: string[], env: Record<string, string | undefined>, options: { tsx?: boolean } = {}): Child {
  const nodeArgs = options.tsx ? ['--import', 'tsx', script, ...args] : [script, ...args]
  const spawnOptions: SpawnOptions = { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }
  const child = spawn(process.execPath, nodeArgs, spawnOptions)
  let out = ''
  let err = ''
  const waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = []
  let partial = ''
  child.stdout!.on('data', (data: Buffer) => {
    const text = data.toString()
    if (out.length < 200_000) out += text
    partial += text
    const lines = partial.split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) {
      for (const waiter of [...waiters]) {
        if (waiter.match(line)) {
          waiters.splice(waiters.indexOf(waiter), 1)
          waiter.resolve(line)
        }
      }
    }
  })
  child.stderr!.on('data', (data: Buffer) => {
    if (err.length < 50_000) err += data.toString()
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    process: child,
    pid: child.pid!,
    output: () => `${out}${err ? `\n[stderr]\n${err}` : ''}`,
    line(match, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${script}: no expected output within ${timeoutMs} ms\n${out.slice(-2000)}\n${err.slice(-2000)}`)), timeoutMs)
        void exited.then(() => {
          clearTimeout(timer)
          reject(new Error(`${script} exited (code ${child.exitCode})\n${out.slice(-2000)}\n${err.slice(-2000)}`))
        })
        waiters.push({
          match,
          resolve: (line) => {
            clearTimeout(timer)
            resolve(line)
          },
        })
      })
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** Resident set size of a process in bytes (Linux /proc). */
export async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)
  if (!match) throw new Error(`no VmRSS for pid ${pid}`)
  return Number(match[1]) * 1024
}
