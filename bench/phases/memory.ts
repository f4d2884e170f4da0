import { DEFAULT_RETENTION, FlashcardQueues } from '@flashcards/queue-core'
import type { Redis } from 'ioredis'
import type { BenchContext } from '../lib/context.js'
import { enqueueModules, round } from '../lib/jobs.js'
import { setTimeout as sleep } from 'node:timers/promises'
import { rssOf, waitFor } from '@flashcards/test-support'
import { infoNumber } from '../lib/redis.js'
import { startOrchestrator, WORKER_CONCURRENCY } from './worker-overhead.js'

export interface MemoryResults {
  jobs: number
  warmup_jobs: number
  worker_rss_mb: { idle: number; after_warmup: number; after_jobs: number; peak: number }
  /** after_jobs ÷ after_warmup − 1. */
  rss_growth: number
  redis: {
    used_memory_empty_mb: number
    used_memory_after_mb: number
    retention: typeof DEFAULT_RETENTION
    completed_jobs_kept: number
    job_hashes: number
    stage_cache_keys: number
    stage_cache_mb: number
    /** Deck revisions the jobs wrote (DECK_STORE=redis): they stay after retention removes the jobs. */
    deck_keys: number
    deck_mb: number
    other_keys: number
  }
}

const mb = (bytes: number) => round(bytes / 2 ** 20, 1)

/**
 * Phase 6: worker RSS over 10,000 jobs (100,000 with `--soak`), and what Redis holds afterwards
 * under the default retention.
 */
export async function memoryPhase(ctx: BenchContext): Promise<MemoryResults> {
  const jobs = ctx.soak ? 100_000 : ctx.quick ? 1_000 : 10_000
  const warmup = ctx.quick ? 200 : 1_000
  await ctx.redis.reset()
  const emptyMemory = await infoNumber(ctx.redis.client, 'memory', 'used_memory')
  const queues = new FlashcardQueues({ connection: ctx.redis.url, queuePrefix: 'bench' })
  const worker = startOrchestrator(ctx, { WORKER_CONCURRENCY: String(WORKER_CONCURRENCY) })
  let peak = 0
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rssOf(worker.pid))
    } catch {
      // The worker exited between two samples: the phase fails on its own.
    }
  }, 200)
  const completed = async (count: number) => {
    // Ten minutes, and 20 ms more per job: a soak of 100,000 jobs takes longer than a run.
    await waitFor(`${count} completed jobs`, async () => (await queues.readStats('orchestrator')).completed >= count, 600_000 + 20 * count, 100)
    const { failed } = await queues.readStats('orchestrator')
    if (failed > 0) throw new Error(`${failed} job(s) failed`)
  }
  try {
    await queues.ready()
    await waitFor('the worker heartbeat', async () => (await queues.aliveWorkers()).some((beat) => beat.queue === 'orchestrator'), 30_000, 100)
    await sleep(500)
    const idle = rssOf(worker.pid)
    await enqueueModules(queues, warmup, 'warmup')
    await completed(warmup)
    const afterWarmup = rssOf(worker.pid)
    ctx.progress(`  RSS idle ${mb(idle)} MB, after ${warmup} warm-up jobs ${mb(afterWarmup)} MB`)
    await enqueueModules(queues, jobs, 'memory')
    await completed(warmup + jobs)
    await sleep(1_000)
    const afterJobs = rssOf(worker.pid)
    const census = await keyCensus(ctx.redis.client, 'bench')
    const usedAfter = await infoNumber(ctx.redis.client, 'memory', 'used_memory')
    const results: MemoryResults = {
      jobs,
      warmup_jobs: warmup,
      worker_rss_mb: { idle: mb(idle), after_warmup: mb(afterWarmup), after_jobs: mb(afterJobs), peak: mb(peak) },
      rss_growth: round(afterJobs / afterWarmup - 1, 3),
      redis: {
        used_memory_empty_mb: mb(emptyMemory),
        used_memory_after_mb: mb(usedAfter),
        retention: DEFAULT_RETENTION,
        completed_jobs_kept: await ctx.redis.client.zcard('bench:orchestrator:completed'),
        job_hashes: census.jobHashes,
        stage_cache_keys: census.cacheKeys,
        stage_cache_mb: mb(census.cacheBytes),
        deck_keys: census.deckKeys,
        deck_mb: mb(census.deckBytes),
        other_keys: census.otherKeys,
      },
    }
    ctx.progress(
      `  after ${jobs} more jobs: RSS ${mb(afterJobs)} MB (${round(results.rss_growth * 100, 1)} %), Redis used_memory ${results.redis.used_memory_after_mb} MB, ${census.jobHashes} job hashes kept, ${census.cacheKeys} stage-cache keys (${results.redis.stage_cache_mb} MB), ${census.deckKeys} deck keys (${results.redis.deck_mb} MB)`,
    )
    return results
  } finally {
    clearInterval(sampler)
    await worker.stop()
    await queues.close()
  }
}

interface Census {
  jobHashes: number
  cacheKeys: number
  cacheBytes: number
  deckKeys: number
  deckBytes: number
  otherKeys: number
}

async function keyCensus(client: Redis, prefix: string): Promise<Census> {
  const jobHash = new RegExp(`^${prefix}:orchestrator:[0-9a-f-]{36}$`)
  const cache = `${prefix}:orchestrator:x:cache:`
  const decks = `${prefix}:decks:`
  let cursor = '0'
  let jobHashes = 0
  let otherKeys = 0
  const cacheKeys: string[] = []
  const deckKeys: string[] = []
  do {
    const [next, keys] = await client.scan(cursor, 'COUNT', 1000)
    cursor = next
    for (const key of keys) {
      if (key.startsWith(cache)) cacheKeys.push(key)
      else if (key.startsWith(decks)) deckKeys.push(key)
      else if (jobHash.test(key)) jobHashes++
      else otherKeys++
    }
  } while (cursor !== '0')
  return {
    jobHashes,
    cacheKeys: cacheKeys.length,
    cacheBytes: await bytesOf(client, cacheKeys),
    deckKeys: deckKeys.length,
    deckBytes: await bytesOf(client, deckKeys),
    otherKeys,
  }
}

async function bytesOf(client: Redis, keys: string[]): Promise<number> {
  let bytes = 0
  for (let start = 0; start < keys.length; start += 1000) {
    const pipeline = client.pipeline()
    for (const key of keys.slice(start, start + 1000)) pipeline.memory('USAGE', key)
    for (const [, usage] of (await pipeline.exec()) ?? []) bytes += Number(usage ?? 0)
  }
  return bytes
}
