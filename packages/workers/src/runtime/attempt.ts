import type { Job } from 'bullmq'
import {
  JobLogWriter,
  type FlashcardConfig,
  type JobLogStore,
  type JobLogTarget,
  type LlmCallRecord,
  type QueueName,
  type RedisConnection,
  type WorkerQueues,
} from '@flashcards/queue-core'
import { attemptSignal } from './abort.js'
import { reportLostAttempt } from './attempt-trace.js'
import { jobLogRecorder, type JobLogRecorder } from './job-log-recorder.js'
import type { Logger } from './logger.js'
import { progressReporter } from './progress.js'
import type { ProcessorContext } from './types.js'

/** What every attempt of one worker shares. */
export interface AttemptDeps {
  queue: QueueName
  config: Readonly<FlashcardConfig>
  queues: WorkerQueues
  redis: RedisConnection
  jobLogStore: JobLogStore
  logger: Logger
  /** `host:pid[:WORKER_ID]`, written into each attempt's `job_start` entry. */
  workerId: string
}

interface JobIdentityData {
  module_id?: unknown
  course_id?: unknown
  owner?: { tenant?: unknown }
}

export type FinishedRecord = { outcome: 'SUCCESS' | 'FAILED'; durationSeconds: number; cards?: number }

/** One run of a job: its context for the processor and the bookkeeping the outcome needs. */
export interface Attempt {
  readonly jobId: string
  readonly number: number
  readonly startedAt: number
  readonly context: ProcessorContext
  readonly log: JobLogRecorder
  readonly logger: Logger
  readonly writer: JobLogWriter
  readonly signal: AbortSignal
  /** Rejects as soon as the attempt's signal aborts. */
  readonly aborted: Promise<never>
  /** Writes the job log; a failure is reported, never allowed to fail or hide the job's outcome. */
  save(write: () => Promise<unknown>): Promise<void>
  /** The attempt's statistics in one transaction; a failure is reported, never fails the job. */
  recordStats(finished?: FinishedRecord): Promise<void>
  flushProgress(): Promise<void>
  dispose(): void
}

/** Builds the attempt: job log, abort signal, progress, statistics and the processor's context, in one place. */
export async function openAttempt(job: Job, bullSignal: AbortSignal | undefined, deps: AttemptDeps): Promise<Attempt> {
  const jobId = String(job.id)
  const data = (job.data ?? {}) as JobIdentityData
  const number = job.attemptsMade + 1
  const logger = deps.logger.child({ jobId, attempt: number })
  const writer = await JobLogWriter.open(deps.jobLogStore, logTarget(job, jobId, data, deps.queue, number), {
    // The job's first run (nothing made or started before it; retries keep their counts) has no log to read.
    fresh: job.attemptsMade === 0 && job.attemptsStarted <= 1,
  })
  const log = jobLogRecorder(writer, logger)
  const startedAt = Date.now()
  const abort = attemptSignal(jobId, deps.config.worker.jobTimeoutMs, bullSignal)
  const progress = progressReporter(job, log, logger, startedAt)
  const llmCalls: LlmCallRecord[] = []
  const context: ProcessorContext = {
    signal: abort.signal,
    log,
    logger,
    attempt: number,
    queues: deps.queues,
    redis: deps.redis,
    progress: progress.report,
    recordLlmCall: (call) => {
      llmCalls.push(call)
    },
  }
  logger.info({ job_name: job.name, module_id: data.module_id, course_id: data.course_id }, 'job started')
  await recordStart(writer, log, logger, `Job started for ${describe(data, job.name)} (attempt ${number})`, deps.workerId)
  return {
    jobId,
    number,
    startedAt,
    context,
    log,
    logger,
    writer,
    signal: abort.signal,
    aborted: abort.aborted,
    save: async (write) => {
      await write().catch((err: Error) => logger.error({ err: err.message }, 'could not write the job log'))
    },
    recordStats: async (finished) => {
      await deps.queues
        .recordAttempt(deps.queue, { llmCalls, ...(finished ? { finished } : {}) })
        .catch((err: Error) => logger.warn({ err: err.message }, 'could not record the job statistics'))
    },
    flushProgress: progress.flush,
    dispose: () => {
      abort.dispose()
      // An attempt that ended with a flush (a retry, a rate limit, waiting for children) has no finish().
      writer.close()
    },
  }
}

/**
 * The attempt's first entries, written to the store at once (not only when the attempt ends), so
 * an attempt whose worker is killed mid-job still leaves its start in the log; and, when the
 * previous attempt left only such a start, an entry saying it was lost.
 */
async function recordStart(writer: JobLogWriter, log: JobLogRecorder, logger: Logger, message: string, worker: string): Promise<void> {
  log.info('job_start', message, { worker })
  reportLostAttempt(log, writer.previous, writer.target.attempt)
  // Not fsynced: the attempt's end rewrites it (fsynced), and a killed worker leaves it whole anyway.
  await writer.flush({ durable: false }).catch((err: Error) => logger.error({ err: err.message }, 'could not write the job log'))
}

function logTarget(job: Job, jobId: string, data: JobIdentityData, queue: QueueName, number: number): JobLogTarget {
  return {
    jobId,
    queue,
    // Runs put back by the rate limiter keep their attempt number; the log tells each run apart.
    attempt: Math.max(job.attemptsStarted, number),
    module_id: typeof data.module_id === 'string' ? data.module_id : null,
    course_id: typeof data.course_id === 'string' ? data.course_id : null,
    tenant: typeof data.owner?.tenant === 'string' ? data.owner.tenant : '',
  }
}

function describe(data: JobIdentityData, name: string): string {
  if (typeof data.module_id === 'string') return `module ${data.module_id}`
  if (typeof data.course_id === 'string') return `course ${data.course_id}`
  return name
}
