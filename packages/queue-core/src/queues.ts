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

/** Completed jobs kept for a day (at most 1,000), failed ones for a week (at most 5,000). */
export const DEFAULT_RETENTION = {
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5_000 },
} as const

/** First retry after 5 s, then 10 s, 20 s, …: exponential backoff as the runbook expects. */
export const BACKOFF_DELAY_MS = 5_000

export function defaultJobOptions(jobAttempts: number): DefaultJobOptions {
  return {
    attempts: jobAttempts,
    backoff: { type: 'exponential', delay: BACKOFF_DELAY_MS },
    removeOnComplete: { ...DEFAULT_RETENTION.removeOnComplete },
    removeOnFail: { ...DEFAULT_RETENTION.removeOnFail },
  }
}

/**
 * Redis keys this system keeps beside BullMQ's own, under the same (possibly hash-tagged) prefix
 * so they live in the queue's cluster slot. The `x:` segment keeps them apart from BullMQ's keys.
 */
export function auxKey(prefix: string, queue: QueueName | 'all', name: string): string {
  return `${prefix}:${queue}:x:${name}`
}
