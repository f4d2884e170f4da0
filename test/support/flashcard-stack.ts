/**
 * Runs the product as a user deploys it, for end-to-end tests: `examples/server.ts` (Fastify with
 * the plugin) and `flashcard-workers orchestrator` processes from the built workers package, all
 * configured only through the environment. Each process is stopped by its PID (SIGTERM, then
 * SIGKILL after a grace period); its output is kept for assertions and failure reports.
 */
import { freePort, startProcess, waitFor, type ManagedProcess } from '@flashcards/test-support'

export type { ManagedProcess }

/**
 * A node process of the stack, on @flashcards/test-support's process starter: it sees only `env`
 * (and PATH), as a deployment configures it, and stop() grants it 10 s to drain.
 */
function launch(name: string, args: string[], env: Record<string, string>): ManagedProcess {
  return startProcess(name, process.execPath, args, env, { inheritEnv: false, graceMs: 10_000 })
}

export interface ApiProcess extends ManagedProcess {
  /** `http://127.0.0.1:PORT/api/flashcards` */
  base: string
}

/** Starts examples/server.ts and waits until it answers. */
export async function startApi(env: Record<string, string>): Promise<ApiProcess> {
  const port = await freePort()
  const proc = launch('api', ['--import', 'tsx', 'examples/server.ts'], { ...env, PORT: String(port), HOST: '127.0.0.1' })
  const base = `http://127.0.0.1:${port}/api/flashcards`
  try {
    await waitFor(
      'the API to listen',
      async () => {
        if (!proc.alive()) throw new Error(`examples/server.ts exited:\n${proc.output().slice(-2000)}`)
        const res = await fetch(`${base}/orchestrator/metrics`)
        return res.status === 200
      },
      30_000,
      200,
    )
  } catch (err) {
    await proc.stop()
    throw err
  }
  return { ...proc, base }
}

/** Starts `flashcard-workers orchestrator` from the built package and waits until its worker runs. */
export function startOrchestrator(env: Record<string, string>, workerId: string): Promise<ManagedProcess> {
  return startWorker('orchestrator', env, workerId)
}

/** Starts `flashcard-workers <kind>` from the built package and waits until its worker runs. */
export async function startWorker(kind: 'orchestrator' | 'transcription', env: Record<string, string>, workerId: string): Promise<ManagedProcess> {
  const proc = launch(`${kind}-${workerId}`, ['packages/workers/dist/cli.js', kind], { ...env, WORKER_ID: workerId })
  try {
    await waitFor(
      `${kind} worker ${workerId} to start`,
      async () => {
        if (!proc.alive()) throw new Error(`flashcard-workers ${kind} exited:\n${proc.output().slice(-2000)}`)
        return proc.logLines().some((line) => line.msg === 'worker started')
      },
      30_000,
      100,
    )
  } catch (err) {
    await proc.stop()
    throw err
  }
  return proc
}

/** Job ids this worker process started (one entry per run) according to its log. */
export function jobsStarted(proc: ManagedProcess): string[] {
  return proc.logLines().flatMap((line) => (line.msg === 'job started' && typeof line.jobId === 'string' ? [line.jobId] : []))
}

/** A tiny client of the API with one bearer token. */
export function apiClient(base: string, token: string) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  return {
    async post(path: string, body: unknown): Promise<{ status: number; body: any }> {
      const res = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) })
      return { status: res.status, body: await res.json() }
    },
    async get(path: string): Promise<{ status: number; body: any }> {
      const res = await fetch(`${base}${path}`, { headers })
      const text = await res.text()
      return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text }
    },
    /** Reads the job's SSE stream until a `completed`, `failed` or `removed` event (or its end); returns the event names seen. */
    async events(jobId: string, timeoutMs = 30_000, queue: 'orchestrator' | 'transcription' = 'orchestrator'): Promise<string[]> {
      const res = await fetch(`${base}/${queue}/jobs/${jobId}/events`, { headers, signal: AbortSignal.timeout(timeoutMs) })
      if (res.status !== 200) throw new Error(`events stream answered ${res.status}`)
      const names: string[] = []
      const decoder = new TextDecoder()
      let buffer = ''
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true })
        let end: number
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const name = /^event: (.+)$/m.exec(block)?.[1]
          if (name) names.push(name)
          if (name === 'completed' || name === 'failed' || name === 'removed') return names
        }
      }
      return names
    },
  }
}
