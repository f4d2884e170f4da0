import { randomBytes } from 'node:crypto'
import { Queue, QueueEvents } from 'bullmq'
import { defaultJobOptions, JOB_NAMES } from '@flashcards/queue-core'
import type { BenchContext } from '../lib/context.js'
import { inlineModule, round } from '../lib/jobs.js'
import { spawnNode, type Child } from '../lib/process.js'
import { startOrchestrator } from './worker-overhead.js'

interface LatencyRun {
  jobs: number
  p50_ms: number
  p99_ms: number
  max_ms: number
}

export interface LatencyResults {
  /** Jobs in flight at once (each a new request as soon as one completes). */
  in_flight: number
  flashcard: LatencyRun
  bare: LatencyRun
}

const IN_FLIGHT = 4

/**
 * Phase: enqueue → completed for one job at a time per slot, through the HTTP API (plugin with
 * its defaults) and the real orchestrator worker with the instant stub provider, beside a bare
 * BullMQ `add` and a bare no-op Worker. The clock starts before the request (or `add`) and stops
 * when this process receives the job's `completed` event, so both sides pay the same event hop.
 */
export async function latencyPhase(ctx: BenchContext): Promise<LatencyResults> {
  const jobs = ctx.quick ? 100 : 1_000
  const token = randomBytes(16).toString('hex')

  const measure = async (send: (index: number) => Promise<string>): Promise<LatencyRun> => {
    const events = new QueueEvents('orchestrator', { connection: { url: ctx.redis.url }, prefix: 'bench' })
    await events.waitUntilReady()
    const waiting = new Map<string, { resolve: () => void; reject: (err: Error) => void }>()
    const early = new Map<string, Error | undefined>()
    const settle = (jobId: string, err?: Error) => {
      const slot = waiting.get(jobId)
      if (!slot) early.set(jobId, err)
      else if (err) slot.reject(err)
      else slot.resolve()
    }
    events.on('completed', ({ jobId }) => settle(jobId))
    events.on('failed', ({ jobId, failedReason }) => settle(jobId, new Error(`job ${jobId} failed: ${failedReason}`)))
    const samples: number[] = []
    let next = 0
    try {
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (next < jobs) {
            const index = next++
            const started = performance.now()
            const id = await send(index)
            if (early.has(id)) {
              const err = early.get(id)
              early.delete(id)
              if (err) throw err
            } else {
              await new Promise<void>((resolve, reject) => waiting.set(id, { resolve, reject }))
              waiting.delete(id)
            }
            samples.push(performance.now() - started)
          }
        }),
      )
    } finally {
      await events.close()
    }
    samples.sort((a, b) => a - b)
    const at = (q: number) => round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!, 1)
    return { jobs, p50_ms: at(0.5), p99_ms: at(0.99), max_ms: round(samples.at(-1)!, 1) }
  }

  const withChildren = async <T>(children: Child[], run: () => Promise<T>): Promise<T> => {
    try {
      return await run()
    } finally {
      for (const child of children) await child.stop()
    }
  }

  await ctx.redis.reset()
  const server = spawnNode('bench/procs/http-server.ts', ['plugin'], { REDIS_URL: ctx.redis.url, QUEUE_PREFIX: 'bench', BENCH_TOKEN: token }, { tsx: true })
  const worker = startOrchestrator(ctx, { WORKER_CONCURRENCY: String(IN_FLIGHT) })
  const flashcard = await withChildren([server, worker], async () => {
    const port = (await server.line((line) => line.startsWith('listening '), 30_000)).split(' ')[1]
    const url = `http://127.0.0.1:${port}/api/flashcards/orchestrator/generate-batch`
    return measure(async (index) => {
      const { module_id, course_id, content } = inlineModule(index, 'latency')
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ mode: 'single_module', target: { course_id, module_id }, settings: { target_card_count: 1, card_types: ['basic'] }, content }),
      })
      const body = (await response.json()) as { data?: { jobs?: { job_id: string }[] } }
      const id = body.data?.jobs?.[0]?.job_id
      if (response.status !== 202 || !id) throw new Error(`enqueue answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`)
      return id
    })
  })
  ctx.progress(`  flashcard  enqueue → completed p50 ${flashcard.p50_ms} ms, p99 ${flashcard.p99_ms} ms`)

  await ctx.redis.reset()
  const bareWorker = spawnNode('bench/procs/bare-worker.ts', [], { REDIS_URL: ctx.redis.url, QUEUE_PREFIX: 'bench', WORKER_CONCURRENCY: String(IN_FLIGHT) }, { tsx: true })
  const queue = new Queue('orchestrator', { connection: { url: ctx.redis.url }, prefix: 'bench', defaultJobOptions: defaultJobOptions(3) })
  const bare = await withChildren([bareWorker], async () => {
    await bareWorker.line((line) => line === 'ready', 30_000)
    try {
      return await measure(async (index) => String((await queue.add(JOB_NAMES.module, { kind: 'module', ...inlineModule(index, 'latency-bare') })).id))
    } finally {
      await queue.close()
    }
  })
  ctx.progress(`  bare       add → completed p50 ${bare.p50_ms} ms, p99 ${bare.p99_ms} ms`)
  return { in_flight: IN_FLIGHT, flashcard, bare }
}
