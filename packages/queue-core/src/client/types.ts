import type { JobRetention, QueueName } from '../queues.js'
import type { JobStatus } from '../status.js'
import type { JobStateName } from '../status.js'
import type { ConnectionInput } from '../redis.js'

export interface FlashcardQueuesOptions {
  /**
   * A REDIS_URL or ioredis options `{ host, port, … }` (the client opens and closes its own
   * connection), or an open ioredis connection (left open).
   */
  connection: ConnectionInput
  /** QUEUE_PREFIX; wrapped in a hash tag automatically on a cluster. Default `flashcard`. */
  queuePrefix?: string
  /** JOB_ATTEMPTS. Default 3. */
  jobAttempts?: number
  /** KEEP_COMPLETED_JOBS / _AGE_S, KEEP_FAILED_JOBS / _AGE_S (config.queue.retention). Default DEFAULT_RETENTION. */
  retention?: JobRetention
  /** Backlog (waiting + delayed) above which enqueueing fails with QUEUE_FULL; 0 = no limit. Default 100,000 (the runbook's MAX_QUEUE_DEPTH). */
  maxQueueDepth?: number
  /**
   * Milliseconds a backlog count read for `maxQueueDepth` is reused, so a busy API does not ask
   * Redis for it on every request. Jobs this client adds meanwhile are counted on top, and its own
   * cancels and retries drop the cached count; what other processes add or workers take is seen
   * when the window ends. The limit is then approximate by what other processes enqueue in one
   * window. Default 0: the backlog is read on every enqueue.
   */
  backlogCacheMs?: number
}

/** One job the API created, or found already queued for the same work. */
export interface EnqueuedJob {
  job_id: string
  queue: QueueName
  kind: 'module' | 'course' | 'transcription'
  course_id: string
  module_id: string | null
  /** True when an identical job was already waiting or running and its id is returned instead. */
  deduplicated: boolean
}

export interface ListJobsQuery {
  queue: QueueName
  tenant: string
  state?: JobStateName
  module_id?: string
  course_id?: string
  limit?: number
  offset?: number
}

export interface JobPage {
  items: JobStatus[]
  /** Offset of the next page, or null on the last one. */
  next_offset: number | null
}

export type CancelOutcome = 'removed' | 'cancel_requested'
