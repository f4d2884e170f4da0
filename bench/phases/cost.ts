import { existsSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import { FlashcardQueues, type ModuleResult } from '@flashcards/queue-core'
import type { BenchContext } from '../lib/context.js'
import { startFakeLlm, type FakeLlm } from '../lib/fake-llm.js'
import { OWNER, round } from '../lib/jobs.js'
import { waitFor } from '@flashcards/test-support'
import { startOrchestrator } from './worker-overhead.js'

interface CostRun {
  modules: number
  cards: number
  /** Counted by the fake server: what a paid API would bill. */
  calls: number
  prompt_tokens: number
  completion_tokens: number
  calls_per_module: number
  calls_per_card: number
  prompt_tokens_per_module: number
  completion_tokens_per_module: number
  tokens_per_card: number
  /** Stage outputs the stage cache answered, as the jobs' results report them. */
  cached_stages: number
}

export type CostResults = { course: string; first_run: CostRun; re_run: CostRun } | { skipped: string }

/**
 * Phase 5: the real course through the real worker (CLI, openai-compatible provider against the
 * counting loopback server), enqueued as one course job; then the same course again, which the
 * stage cache should answer without a single provider call.
 */
export async function costPhase(ctx: BenchContext): Promise<CostResults> {
  if (!existsSync(ctx.corpusCourseDir)) {
    const note = `course ${ctx.corpusCourseDir} not found (set BENCH_CORPUS to a course folder): phase skipped`
    ctx.progress(`  ${note}`)
    return { skipped: note }
  }
  await ctx.redis.reset()
  const llm = await startFakeLlm({ latencyMs: 0 })
  const worker = startOrchestrator(
    ctx,
    { WORKER_CONCURRENCY: '4', LLM_PROVIDER: 'openai-compatible', OPENAI_BASE_URL: llm.baseUrl, OPENAI_MODEL: 'fake-counting', CONTENT_DIR: dirname(ctx.corpusCourseDir) },
    null,
  )
  const queues = new FlashcardQueues({ connection: ctx.redis.url, queuePrefix: 'bench' })
  try {
    const first = await runCourse(queues, llm, basename(ctx.corpusCourseDir))
    ctx.progress(`  first run: ${first.calls} provider calls, ${first.prompt_tokens + first.completion_tokens} tokens for ${first.cards} cards`)
    const again = await runCourse(queues, llm, basename(ctx.corpusCourseDir))
    ctx.progress(`  re-run:    ${again.calls} provider calls (${again.cached_stages} stages from the cache)`)
    return { course: ctx.corpusCourseDir, first_run: first, re_run: again }
  } finally {
    await queues.close()
    await worker.stop()
    await llm.close()
  }
}

async function runCourse(queues: FlashcardQueues, llm: FakeLlm, courseId: string): Promise<CostRun> {
  llm.resetCounts()
  const [course] = await queues.enqueueGeneration({ mode: 'course', target: { course_id: courseId }, settings: { target_card_count: 10 } }, OWNER)
  const queue = queues.queue('orchestrator')
  const finished = async (jobId: string) => {
    const job = await queue.getJob(jobId)
    if (!job) throw new Error(`job ${jobId} disappeared`)
    const state = await job.getState()
    if (state === 'failed') throw new Error(`job ${jobId} failed: ${job.failedReason}`)
    return state === 'completed' ? job : undefined
  }
  let courseJob
  await waitFor('the course job', async () => (courseJob = await finished(course!.job_id)) !== undefined, 120_000, 100)
  const moduleJobs = (courseJob!.returnvalue as { modules: { job_id: string }[] }).modules
  const results: ModuleResult[] = []
  for (const { job_id } of moduleJobs) {
    let job
    await waitFor(`module job ${job_id}`, async () => (job = await finished(job_id)) !== undefined, 300_000, 100)
    results.push(job!.returnvalue as ModuleResult)
  }
  const cards = results.reduce((sum, result) => sum + result.cards.length, 0)
  const { calls, promptTokens, completionTokens } = llm.counts
  const modules = results.length
  return {
    modules,
    cards,
    calls,
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    calls_per_module: round(calls / modules, 1),
    calls_per_card: round(calls / Math.max(cards, 1), 2),
    prompt_tokens_per_module: Math.round(promptTokens / modules),
    completion_tokens_per_module: Math.round(completionTokens / modules),
    tokens_per_card: Math.round((promptTokens + completionTokens) / Math.max(cards, 1)),
    cached_stages: results.reduce((sum, result) => sum + Number(result.stats.cached_stages ?? 0), 0),
  }
}
