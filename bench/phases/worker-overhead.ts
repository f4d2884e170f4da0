import { FlashcardQueues } from '@flashcards/queue-core'
import { STUB_CONFIG, WORKERS_CLI, type BenchContext } from '../lib/context.js'
import { enqueueBare, enqueueModules, perJob, round, timeDrain, type Drain } from '../lib/jobs.js'
import { spawnNode, type Child } from '../lib/process.js'

export const WORKER_CONCURRENCY = 8

interface WorkerRun {
  jobs: number
  seconds: number
  jobs_per_second: number
  commands_per_job: number
  /** Client round trips that run a BullMQ Lua script, per job. */
  scripts_per_job: number
  by_command: Record<string, number>
  failed: number
}

export interface WorkerOverheadResults {
  jobs: number
  concurrency: number
  bare: WorkerRun
  orchestrator: WorkerRun
  ratio: number
}

/** The real orchestrator worker (CLI, stub provider via --config) with the bench's environment. */
export function startOrchestrator(ctx: BenchContext, env: Record<string, string>, config: string | null = STUB_CONFIG): Child {
  return spawnNode(WORKERS_CLI, ['orchestrator', ...(config ? ['--config', config] : [])], {
    REDIS_URL: ctx.redis.url,
    QUEUE_PREFIX: 'bench',
    LOG_DIR: `${ctx.tmp}/logs`,
    LOG_STORE: 'local',
    DEBUG: 'false',
    ...env,
  })
}

function summarise(drain: Drain, jobs: number): WorkerRun {
  const counts = perJob(drain.commands, jobs)
  return {
    jobs,
    seconds: round(drain.seconds, 3),
    jobs_per_second: Math.round(jobs / drain.seconds),
    commands_per_job: counts.total,
    scripts_per_job: round(((drain.commands.evalsha ?? 0) + (drain.commands.eval ?? 0)) / jobs, 2),
    by_command: counts.byCommand,
    failed: drain.failed,
  }
}

/** Phase 2: N jobs through the real orchestrator worker against a bare BullMQ no-op worker. */
export async function workerOverheadPhase(ctx: BenchContext): Promise<WorkerOverheadResults> {
  const jobs = ctx.quick ? 500 : 5_000
  const timeoutMs = 300_000
  const env = { WORKER_CONCURRENCY: String(WORKER_CONCURRENCY) }

  await ctx.redis.reset()
  await enqueueBare(ctx.redis.url, 'bench', jobs, 'bare')
  let bareWorker: Child | undefined
  const bareDrain = await timeDrain(ctx.redis.client, 'bench', jobs, {
    timeoutMs,
    start: async () => {
      bareWorker = spawnNode('bench/procs/bare-worker.ts', [], { REDIS_URL: ctx.redis.url, QUEUE_PREFIX: 'bench', ...env }, { tsx: true })
    },
  })
  await bareWorker?.stop()
  const bare = summarise(bareDrain, jobs)
  ctx.progress(`  bare BullMQ   ${bare.jobs_per_second} jobs/s, ${bare.commands_per_job} Redis commands/job`)

  await ctx.redis.reset()
  const queues = new FlashcardQueues({ connection: ctx.redis.url, queuePrefix: 'bench' })
  await enqueueModules(queues, jobs, 'overhead')
  await queues.close()
  let worker: Child | undefined
  const drain = await timeDrain(ctx.redis.client, 'bench', jobs, {
    timeoutMs,
    start: async () => {
      worker = startOrchestrator(ctx, env)
    },
  })
  await worker?.stop()
  const orchestrator = summarise(drain, jobs)
  ctx.progress(`  orchestrator  ${orchestrator.jobs_per_second} jobs/s, ${orchestrator.commands_per_job} Redis commands/job`)
  if (orchestrator.failed > 0 || bare.failed > 0) throw new Error(`failed jobs: orchestrator ${orchestrator.failed}, bare ${bare.failed}`)
  return { jobs, concurrency: WORKER_CONCURRENCY, bare, orchestrator, ratio: round(orchestrator.jobs_per_second / bare.jobs_per_second) }
}
