import { Queue, type Job } from 'bullmq'
import { CancelRequests } from '../cancel.js'
import { INT_SETTINGS, QUEUE_PREFIX_RULE } from '../defaults.js'
import { closeRedis, openConnection, queuePrefixFor, type RedisConnection } from '../redis.js'
import { outOfMemoryReason, readRedisMemory } from '../redis-memory.js'
import { auxKey, defaultJobOptions, QUEUE_NAMES, type QueueName } from '../queues.js'
import { GenerateBatchBody, TranscriptionBody, type ModuleJobData, type Owner } from '../schemas.js'
import { Heartbeats, JobStats, type AttemptRecord, type QueueStatsSnapshot, type WorkerHeartbeat } from '../stats.js'
import type { JobStatus } from '../status.js'
import { assertValid } from '../validation.js'
import { Availability } from './availability.js'
import { QueueCapacity } from './backlog.js'
import { cancelJob } from './cancel.js'
import { Enqueuer } from './enqueue.js'
import { RedisEpoch, type DataLoss } from './epoch.js'
import { readOwnedStatus } from './job-read.js'
import { listJobs } from './list.js'
import { findOwnedJob } from './owned-job.js'
import { checkTarget } from './request-rules.js'
import { retryJob } from './retry.js'
import { TenantIndex, type IndexedJob } from './tenant-index.js'
import type { CancelOutcome, EnqueuedJob, FlashcardQueuesOptions, JobPage, ListJobsQuery } from './types.js'
import type { WorkerQueues } from './worker-queues.js'

/**
 * The one client of the flashcard queues, shared by the Fastify plugin and the workers: enqueues
 * generation and transcription work, reads normalised job status, lists, cancels and retries,
 * always on behalf of a tenant, who never sees another tenant's jobs. Each operation lives in its
 * own module of this folder; this class owns the connection and wires them together.
 */
export class FlashcardQueues implements WorkerQueues {
  readonly prefix: string
  readonly connection: RedisConnection
  private readonly stats: JobStats
  private readonly cancels: CancelRequests
  private readonly heartbeats: Heartbeats
  private readonly ownsConnection: boolean
  private readonly queues: Record<QueueName, Queue>
  private readonly availability: Availability
  private readonly capacity: QueueCapacity
  private readonly enqueuer: Enqueuer
  private readonly index: TenantIndex
  private readonly epoch: RedisEpoch
  /** On every (re)connect: a Redis that restarted empty is noticed at once, not at the next health check. */
  private readonly watchEpoch = () => {
    this.epoch.check().catch(() => {})
  }

  constructor(options: FlashcardQueuesOptions) {
    const opened = openConnection(options.connection, { role: 'producer', connectionName: 'flashcard-queues' })
    this.connection = opened.connection
    this.ownsConnection = opened.owned
    this.prefix = queuePrefixFor(options.queuePrefix ?? QUEUE_PREFIX_RULE.default, this.connection.isCluster)
    // Without a listener ioredis prints every reconnect error; callers see failures through commands.
    if (this.ownsConnection) this.connection.on('error', () => {})
    this.availability = new Availability(this.connection)
    const defaults = defaultJobOptions(options.jobAttempts ?? INT_SETTINGS.jobAttempts.default, options.retention)
    const make = (name: QueueName) => new Queue(name, { connection: this.connection, prefix: this.prefix, defaultJobOptions: defaults })
    this.queues = { orchestrator: make('orchestrator'), transcription: make('transcription') }
    for (const queue of Object.values(this.queues)) queue.on('error', () => {})
    this.stats = new JobStats(this.connection, this.prefix)
    this.cancels = new CancelRequests(this.connection, this.prefix)
    this.heartbeats = new Heartbeats(this.connection, this.prefix)
    this.capacity = new QueueCapacity(this.queues, options.maxQueueDepth ?? INT_SETTINGS.maxQueueDepth.default, options.backlogCacheMs ?? 0)
    this.index = new TenantIndex(this.connection, this.prefix)
    this.epoch = new RedisEpoch(this.connection, auxKey(this.prefix, 'all', 'epoch'))
    this.connection.on('ready', this.watchEpoch)
    if (this.connection.status === 'ready') this.watchEpoch()
    this.enqueuer = new Enqueuer(this.queues, this.capacity, this.index)
  }

  /**
   * Resolves once Redis is usable. The first connect is awaited (up to `startupWaitMs`); after
   * that a lost connection fails at once with UNAVAILABLE.
   */
  ready(startupWaitMs?: number): Promise<void> {
    return this.availability.ready(startupWaitMs)
  }

  /** The underlying BullMQ queue, for dashboards and advanced use. */
  queue(name: QueueName): Queue {
    return this.queues[name]
  }

  /** Enqueues the generation work a request describes: one module, several, or a whole course. */
  async enqueueGeneration(body: GenerateBatchBody, owner: Owner): Promise<EnqueuedJob[]> {
    return this.enqueueValidatedGeneration(assertValid(GenerateBatchBody, body, 'body'), owner)
  }

  /**
   * enqueueGeneration for a body its caller has already checked against the `GenerateBatchBody`
   * schema (the HTTP route's validator does, with the same schema), so it is not checked twice.
   * The mode-dependent target rules are still checked here.
   */
  async enqueueValidatedGeneration(request: GenerateBatchBody, owner: Owner): Promise<EnqueuedJob[]> {
    checkTarget(request)
    return this.availability.guard(() => this.enqueuer.generation(request, owner))
  }

  enqueueModule(data: Omit<ModuleJobData, 'kind'>): Promise<EnqueuedJob> {
    return this.availability.guard(() => this.enqueuer.module(data))
  }

  async enqueueTranscription(body: TranscriptionBody, owner: Owner): Promise<EnqueuedJob> {
    return this.enqueueValidatedTranscription(assertValid(TranscriptionBody, body, 'body'), owner)
  }

  /** enqueueTranscription for a body its caller has already checked against the `TranscriptionBody` schema. */
  enqueueValidatedTranscription(request: TranscriptionBody, owner: Owner): Promise<EnqueuedJob> {
    return this.availability.guard(() => this.enqueuer.transcription(request, owner))
  }

  /** A job of the tenant, or undefined when it does not exist or belongs to someone else. */
  getJob(queue: QueueName, jobId: string, tenant: string): Promise<JobStatus | undefined> {
    return this.availability.guard(() => this.readStatus(queue, jobId, tenant))
  }

  /** The raw BullMQ job, if it exists and the tenant owns it. */
  findOwnedJob(queue: QueueName, jobId: string, tenant: string): Promise<Job | undefined> {
    return findOwnedJob(this.queues[queue], jobId, tenant)
  }

  /** The tenant's jobs, newest first, filtered and paginated by offset; O(offset + page) whatever other tenants hold. */
  listJobs(query: ListJobsQuery): Promise<JobPage> {
    return this.availability.guard(() => listJobs(this.index, this.queues[query.queue], query))
  }

  /**
   * Cancels a job. A job not yet running (or already finished) is removed; a running one gets a
   * cancel request that aborts its processor in whichever worker runs it, and then fails.
   */
  cancel(queue: QueueName, jobId: string, tenant: string): Promise<CancelOutcome | undefined> {
    return this.availability.guard(async () => {
      const job = await this.findOwnedJob(queue, jobId, tenant)
      if (!job) return undefined
      const outcome = await cancelJob(job, queue, this.cancels)
      if (outcome === 'removed') {
        this.capacity.forget(queue)
        // Found by findOwnedJob, so it is one of ours: BullMQ types a job's data as any.
        await this.index.drop(queue, jobId, job.data as IndexedJob['data'])
      }
      return outcome
    })
  }

  /** Runs a failed (or completed) job again, with a fresh set of attempts. */
  retry(queue: QueueName, jobId: string, tenant: string): Promise<JobStatus | undefined> {
    return this.availability.guard(async () => {
      const job = await this.findOwnedJob(queue, jobId, tenant)
      if (!job) return undefined
      await retryJob(job, queue, this.cancels, this.stats)
      this.capacity.forget(queue)
      return this.readStatus(queue, jobId, tenant)
    })
  }

  /** Job counts per state, for health and metrics. */
  counts(queue: QueueName): Promise<Record<string, number>> {
    return this.availability.guard(() => this.queues[queue].getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'waiting-children', 'completed', 'failed'))
  }

  /** Why Redis refuses writes now (its memory is full: INFO memory of every master), or undefined. Reads still work then. */
  async writeRefusal(): Promise<string | undefined> {
    return outOfMemoryReason(await this.availability.guard(() => readRedisMemory(this.connection)))
  }

  /**
   * Whether Redis lost the data this process saw (its epoch key is gone or was replaced): the
   * loss, reported until this process restarts, or undefined.
   */
  dataLoss(): Promise<DataLoss | undefined> {
    return this.availability.guard(() => this.epoch.check())
  }

  /** Calls `listener` once when this process notices that Redis lost its data; returns an unsubscribe. */
  onDataLoss(listener: (loss: DataLoss) => void): () => void {
    return this.epoch.onLoss(listener)
  }

  /** The cross-process counters of `queue` (enqueued, finished, durations, LLM calls), for health and metrics. */
  readStats(queue: QueueName): Promise<QueueStatsSnapshot> {
    return this.stats.read(queue)
  }

  recordEnqueued(queue: QueueName, count = 1): Promise<void> {
    return this.stats.recordEnqueued(queue, count)
  }

  recordAttempt(queue: QueueName, attempt: AttemptRecord): Promise<void> {
    return this.stats.recordAttempt(queue, attempt)
  }

  isCancelRequested(queue: QueueName, jobId: string): Promise<boolean> {
    return this.cancels.isRequested(queue, jobId)
  }

  listenForCancels(subscriber: RedisConnection, queue: QueueName, onCancel: (jobId: string) => void): Promise<() => Promise<void>> {
    return this.cancels.listen(subscriber, queue, onCancel)
  }

  beat(queue: QueueName, id: string): Promise<void> {
    return this.heartbeats.beat(queue, id)
  }

  removeHeartbeat(queue: QueueName, id: string): Promise<void> {
    return this.heartbeats.remove(queue, id)
  }

  aliveWorkers(): Promise<WorkerHeartbeat[]> {
    return this.heartbeats.alive()
  }

  /** Closes the queues, the connection the tenant index adds on, and the Redis connection if this client opened it. */
  async close(): Promise<void> {
    this.connection.off('ready', this.watchEpoch)
    await Promise.allSettled([...QUEUE_NAMES.map((name) => this.queues[name].close()), this.index.close()])
    if (this.ownsConnection) await closeRedis(this.connection)
  }

  private readStatus(queue: QueueName, jobId: string, tenant: string): Promise<JobStatus | undefined> {
    return readOwnedStatus(this.connection, this.queues[queue], queue, jobId, tenant)
  }
}
