import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { ROOT } from '@flashcards/test-support'

export { ROOT }

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
