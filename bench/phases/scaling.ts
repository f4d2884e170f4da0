import { FlashcardQueues } from '@flashcards/queue-core'
import type { BenchContext } from '../lib/context.js'
import { startFakeLlm } from '../lib/fake-llm.js'
import { enqueueModules, round, timeDrain } from '../lib/jobs.js'
import type { Child } from '../lib/process.js'
import { startOrchestrator } from './worker-overhead.js'

export const MODEL_LATENCY_MS = 200
/** One chunk per job: stage A once, stage B once. */
export const CALLS_PER_JOB = 2

interface ScalingRun {
  processes: number
  concurrency_per_process: number
  jobs: number
  jobs_per_second: number
  ideal_jobs_per_second: number
  /** Measured ÷ ideal. */
  efficiency: number
  llm_calls: number
  max_in_flight: number
}

export interface ScalingResults {
  latency_ms: number
  calls_per_job: number
  runs: ScalingRun[]
}

/**
 * Phase 3: the real orchestrator worker against a loopback OpenAI-compatible server answering in
 * 200 ms; ideal throughput = total concurrency / (latency × calls per job).
 */
export async function scalingPhase(ctx: BenchContext): Promise<ScalingResults> {
  const llm = await startFakeLlm({ latencyMs: MODEL_LATENCY_MS })
  const layouts: [processes: number, concurrency: number][] = [
    [1, 1],
    [1, 4],
    [1, 16],
    [1, 64],
    [2, 32],
  ]
  const runs: ScalingRun[] = []
  try {
    for (const [processes, concurrency] of layouts) {
      const total = processes * concurrency
      // Enough jobs for ~8 model round trips per slot (~3 s), so start-up and the tail weigh little.
      const jobs = total * (ctx.quick ? 3 : 8)
      await ctx.redis.reset()
      const queues = new FlashcardQueues({ connection: ctx.redis.url, queuePrefix: 'bench' })
      await enqueueModules(queues, jobs, `scale-${processes}x${concurrency}`)
      await queues.close()
      llm.resetCounts()
      const workers: Child[] = []
      const drain = await timeDrain(ctx.redis.client, 'bench', jobs, {
        onError: () => workers.map((worker) => worker.output().slice(-3000)).join('\n'),
        timeoutMs: 300_000,
        everyMs: 20,
        start: async () => {
          for (let index = 0; index < processes; index++) {
            workers.push(
              startOrchestrator(
                ctx,
                { WORKER_CONCURRENCY: String(concurrency), LLM_PROVIDER: 'openai-compatible', OPENAI_BASE_URL: llm.baseUrl, OPENAI_MODEL: 'fake-200ms', WORKER_ID: `w${index}` },
                null,
              ),
            )
          }
        },
      })
      await Promise.all(workers.map((worker) => worker.stop()))
      if (drain.failed > 0) throw new Error(`${drain.failed} job(s) failed at ${processes}×${concurrency}`)
      const ideal = total / ((MODEL_LATENCY_MS / 1000) * CALLS_PER_JOB)
      const measured = jobs / drain.seconds
      const run: ScalingRun = {
        processes,
        concurrency_per_process: concurrency,
        jobs,
        jobs_per_second: round(measured, 1),
        ideal_jobs_per_second: round(ideal, 1),
        efficiency: round(measured / ideal),
        llm_calls: llm.counts.calls,
        max_in_flight: llm.counts.maxInFlight,
      }
      runs.push(run)
      ctx.progress(
        `  ${processes} process(es) × concurrency ${concurrency}: ${run.jobs_per_second} jobs/s of ideal ${run.ideal_jobs_per_second} (${Math.round(run.efficiency * 100)} %), ${run.llm_calls} calls`,
      )
    }
  } finally {
    await llm.close()
  }
  return { latency_ms: MODEL_LATENCY_MS, calls_per_job: CALLS_PER_JOB, runs }
}
