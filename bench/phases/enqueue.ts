import { randomBytes } from 'node:crypto'
import type { BenchContext } from '../lib/context.js'
import { spawnNode } from '../lib/process.js'
import { round } from '../lib/jobs.js'

interface LoadResult {
  requests: number
  rps: number
  p50: number
  p99: number
  non2xx: number
  errors: number
  timeouts: number
}

export interface EnqueueResults {
  connections: number
  seconds: number
  bare: LoadResult
  plugin: LoadResult
  plugin_dedup_hit: LoadResult
  /** plugin req/s ÷ bare req/s, new job per request. */
  ratio: number
  /** plugin req/s on an already queued module ÷ bare req/s. */
  dedup_hit_ratio: number
}

/** Phase 1: POST generate-batch through the plugin against a bare Fastify route doing queue.add. */
export async function enqueuePhase(ctx: BenchContext): Promise<EnqueueResults> {
  const seconds = ctx.quick ? 2 : 10
  const connections = 50
  const token = randomBytes(16).toString('hex')
  const run = async (server: 'plugin' | 'bare', payload: 'unique' | 'same'): Promise<LoadResult> => {
    await ctx.redis.reset()
    const env = { REDIS_URL: ctx.redis.url, QUEUE_PREFIX: 'bench', BENCH_TOKEN: token }
    const child = spawnNode('bench/procs/http-server.ts', [server], env, { tsx: true })
    try {
      const port = (await child.line((line) => line.startsWith('listening '), 30_000)).split(' ')[1]
      const url = `http://127.0.0.1:${port}/api/flashcards/orchestrator/generate-batch`
      // Warm-up: JIT, connection pools, script loading (EVALSHA cache) before the measured run.
      const warm = spawnNode('bench/procs/load.ts', [url, token, payload, '1', String(connections)], {}, { tsx: true })
      await warm.line((line) => line.startsWith('{'), 60_000)
      const load = spawnNode('bench/procs/load.ts', [url, token, payload, String(seconds), String(connections)], {}, { tsx: true })
      const result = JSON.parse(await load.line((line) => line.startsWith('{'), (seconds + 60) * 1000)) as LoadResult
      if (result.non2xx > 0 || result.errors > 0) {
        throw new Error(`${server}/${payload}: ${result.non2xx} non-2xx answers and ${result.errors} errors of ${result.requests}`)
      }
      ctx.progress(`  ${server.padEnd(6)} ${payload.padEnd(6)} ${Math.round(result.rps)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms`)
      return result
    } finally {
      await child.stop()
    }
  }
  const bare = await run('bare', 'unique')
  const plugin = await run('plugin', 'unique')
  const pluginDedupHit = await run('plugin', 'same')
  return {
    connections,
    seconds,
    bare,
    plugin,
    plugin_dedup_hit: pluginDedupHit,
    ratio: round(plugin.rps / bare.rps),
    dedup_hit_ratio: round(pluginDedupHit.rps / bare.rps),
  }
}
