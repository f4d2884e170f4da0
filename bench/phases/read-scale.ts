import { randomBytes } from 'node:crypto'
import { FlashcardQueues } from '@flashcards/queue-core'
import type { BenchContext } from '../lib/context.js'
import { inlineModule, round } from '../lib/jobs.js'
import { spawnNode } from '../lib/process.js'
import { infoNumber } from '../lib/redis.js'

interface Latencies {
  requests: number
  p50_ms: number
  p99_ms: number
}

export interface ReadScaleResults {
  jobs: number
  tenants: number
  /** Jobs per (tenant, module): what one `?module_id=` list returns. */
  jobs_per_module: number
  enqueue_seconds: number
  redis_used_memory_mb: number
  list_by_module: Latencies
  health: Latencies
  metrics: Latencies
}

const TENANTS = 100
const JOBS_PER_MODULE = 10

/**
 * Phase: with 100,000 waiting jobs of 100 tenants in the queue (1,000 each, 10 per module), the
 * latency of `GET …/orchestrator/jobs?module_id=…` through the plugin (the tenant index makes it
 * O(page)), and of health and metrics (which must not grow with the number of jobs).
 */
export async function readScalePhase(ctx: BenchContext): Promise<ReadScaleResults> {
  const jobs = ctx.quick ? 10_000 : 100_000
  const perTenant = jobs / TENANTS
  const modules = perTenant / JOBS_PER_MODULE
  const token = randomBytes(16).toString('hex')
  await ctx.redis.reset()

  const queues = new FlashcardQueues({ connection: ctx.redis.url, queuePrefix: 'bench' })
  const started = performance.now()
  try {
    await queues.ready()
    let next = 0
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < jobs) {
          const index = next++
          const tenant = index % TENANTS
          const module = Math.floor(index / TENANTS) % modules
          // Distinct content per job: ten jobs of a module, none deduplicated into another.
          const job = inlineModule(index, 'scale')
          await queues.enqueueModule({ ...job, module_id: `mod-${module}`, owner: { tenant: `tenant-${tenant}`, principal: 'bench' } })
        }
      }),
    )
  } finally {
    await queues.close()
  }
  const enqueueSeconds = round((performance.now() - started) / 1000, 1)
  ctx.progress(`  ${jobs} jobs of ${TENANTS} tenants enqueued in ${enqueueSeconds} s`)

  const server = spawnNode(
    'bench/procs/http-server.ts',
    ['plugin'],
    { REDIS_URL: ctx.redis.url, QUEUE_PREFIX: 'bench', BENCH_TOKEN: token, BENCH_TENANTS: String(TENANTS) },
    { tsx: true },
  )
  try {
    const port = (await server.line((line) => line.startsWith('listening '), 30_000)).split(' ')[1]
    const base = `http://127.0.0.1:${port}/api/flashcards/orchestrator`
    const time = async (requests: number, path: (i: number) => [string, number], check: (status: number, body: string) => string | undefined): Promise<Latencies> => {
      const samples: number[] = []
      for (let i = 0; i < requests; i++) {
        const [url, tenant] = path(i)
        const began = performance.now()
        const response = await fetch(`${base}${url}`, { headers: { authorization: `Bearer ${token}-${tenant}` } })
        const body = await response.text()
        samples.push(performance.now() - began)
        const problem = check(response.status, body)
        if (problem) throw new Error(`GET ${url}: ${problem}`)
      }
      samples.sort((a, b) => a - b)
      const at = (q: number) => round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!, 1)
      return { requests, p50_ms: at(0.5), p99_ms: at(0.99) }
    }
    const ok = (status: number, body: string) => (status === 200 ? undefined : `${status} ${body.slice(0, 200)}`)
    // Warm-up: connections, JIT and script loading before the measured requests.
    await time(50, (i) => [`/jobs?module_id=mod-${i % modules}`, i % TENANTS], ok)
    const listByModule = await time(
      ctx.quick ? 200 : 1_000,
      (i) => [`/jobs?module_id=mod-${(i * 7) % modules}`, (i * 13) % TENANTS],
      (status, body) => {
        if (status !== 200) return `${status} ${body.slice(0, 200)}`
        const count = (JSON.parse(body) as { data: { items: unknown[] } }).data.items.length
        return count === JOBS_PER_MODULE ? undefined : `${count} jobs listed, ${JOBS_PER_MODULE} expected`
      },
    )
    ctx.progress(`  GET jobs?module_id= p50 ${listByModule.p50_ms} ms, p99 ${listByModule.p99_ms} ms`)
    const health = await time(
      50,
      () => ['/health', 0],
      (status, body) => (status === 200 || status === 503 ? undefined : `${status} ${body.slice(0, 200)}`),
    )
    const metrics = await time(50, () => ['/metrics', 0], ok)
    ctx.progress(`  health p99 ${health.p99_ms} ms, metrics p99 ${metrics.p99_ms} ms`)
    return {
      jobs,
      tenants: TENANTS,
      jobs_per_module: JOBS_PER_MODULE,
      enqueue_seconds: enqueueSeconds,
      redis_used_memory_mb: round((await infoNumber(ctx.redis.client, 'memory', 'used_memory')) / 2 ** 20, 1),
      list_by_module: listByModule,
      health,
      metrics,
    }
  } finally {
    await server.stop()
  }
}
