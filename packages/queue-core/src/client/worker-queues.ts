import type { Queue } from 'bullmq'
import type { QueueName } from '../queues.js'
import type { RedisConnection } from '../redis.js'
import type { ModuleJobData } from '../schemas.js'
import type { AttemptRecord, WorkerHeartbeat } from '../stats.js'
import type { EnqueuedJob } from './types.js'

/**
 * What a worker process needs from the queue client, and nothing more: follow-up jobs, its
 * statistics, cancel requests and its heartbeat. The processors' context is typed with it, so
 * worker code never reaches into the client's stores.
 */
export interface WorkerQueues {
  readonly prefix: string
  /** The BullMQ queue itself, for flows (the transcription fan-out) and rate limiting. */
  queue(name: QueueName): Queue
  /** Generation of one module as follow-up work (course expansion, transcription chaining), deduplicated like the API's. */
  enqueueModule(data: Omit<ModuleJobData, 'kind'>): Promise<EnqueuedJob>
  /** Counts jobs added without this client (a flow's children) in the enqueued metric. */
  recordEnqueued(queue: QueueName, count?: number): Promise<void>
  /** One attempt's LLM calls and outcome, in one transaction. */
  recordAttempt(queue: QueueName, attempt: AttemptRecord): Promise<void>
  isCancelRequested(queue: QueueName, jobId: string): Promise<boolean>
  /** Calls `onCancel(jobId)` for each cancel request; `subscriber` is a connection of its own. Returns the unsubscribe. */
  listenForCancels(subscriber: RedisConnection, queue: QueueName, onCancel: (jobId: string) => void): Promise<() => Promise<void>>
  /** Marks worker `id` of `queue` alive now. */
  beat(queue: QueueName, id: string): Promise<void>
  /** Forgets worker `id` (a clean stop), so health does not count it until its beat expires. */
  removeHeartbeat(queue: QueueName, id: string): Promise<void>
  /** Workers whose last beat is recent enough. */
  aliveWorkers(): Promise<WorkerHeartbeat[]>
  close(): Promise<void>
}
