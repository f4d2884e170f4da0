import type { DefaultJobOptions } from 'bullmq'

/** The two queues of the system; also the `type` label of every metric. */
export const QUEUE_NAMES = ['orchestrator', 'transcription'] as const
export type QueueName = (typeof QUEUE_NAMES)[number]

/** BullMQ job names on the orchestrator and transcription queues. */
export const JOB_NAMES = {
  module: 'generate-module',
  course: 'expand-course',
  transcription: 'transcribe-module',
} as const

/** How many finished jobs of one kind BullMQ keeps, and for how long (seconds after they finished). */
export interface KeepJobs {
  age: number
  count: number
}

/** Retention of finished jobs (KEEP_COMPLETED_JOBS, KEEP_COMPLETED_AGE_S, KEEP_FAILED_JOBS, KEEP_FAILED_AGE_S). */
export interface JobRetention {
  removeOnComplete: KeepJobs
  removeOnFail: KeepJobs
}

/** Completed jobs kept for a day (at most 1,000), failed ones for a week (at most 5,000). */
export const DEFAULT_RETENTION: Readonly<JobRetention> = Object.freeze({
  removeOnComplete: Object.freeze({ age: 24 * 3600, count: 1_000 }),
  removeOnFail: Object.freeze({ age: 7 * 24 * 3600, count: 5_000 }),
})

/** First retry after 5 s, then 10 s, 20 s, …: exponential backoff as the runbook expects. */
export const BACKOFF_DELAY_MS = 5_000

/**
 * The options every job is added with. Retention travels with the job (BullMQ applies it when a
 * worker finishes the job), so the API and the workers, which both add jobs, must be given the same.
 */
export function defaultJobOptions(jobAttempts: number, retention: Readonly<JobRetention> = DEFAULT_RETENTION): DefaultJobOptions {
  return {
    attempts: jobAttempts,
    backoff: { type: 'exponential', delay: BACKOFF_DELAY_MS },
    removeOnComplete: { ...retention.removeOnComplete },
    removeOnFail: { ...retention.removeOnFail },
  }
}

/**
 * Redis keys this system keeps beside BullMQ's own, under the same (possibly hash-tagged) prefix
 * so they live in the queue's cluster slot. The `x:` segment keeps them apart from BullMQ's keys.
 */
export function auxKey(prefix: string, queue: QueueName | 'all', name: string): string {
  return `${prefix}:${queue}:x:${name}`
}
