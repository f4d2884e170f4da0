import { createHash, randomUUID } from 'node:crypto'
import { Queue, type Job, type JobType } from 'bullmq'
import { Cluster } from 'ioredis'
import { CancelRequests } from './cancel.js'
import { FlashcardError } from './errors.js'
import { closeRedis, createRedis, queuePrefixFor, isClusterUrl, type RedisConnection } from './redis.js'
import { defaultJobOptions, JOB_NAMES, QUEUE_NAMES, type QueueName } from './queues.js'
import {
  GenerateBatchBody,
  JOB_ID_PATTERN,
  TranscriptionBody,
  resolveSettings,
  type CourseJobData,
  type ModuleJobData,
  type OrchestratorJobData,
  type Owner,
  type ResolvedSettings,
  type TranscriptionJobData,
} from './schemas.js'
import { normaliseState, toJobStatus, type JobStateName, type JobStatus } from './status.js'
import { Heartbeats, JobStats } from './stats.js'
import { assertValid } from './validation.js'

export interface FlashcardQueuesOptions {
  /** A REDIS_URL (the client opens and closes its own connection) or an open ioredis connection (left open). */
  connection: string | RedisConnection
  /** QUEUE_PREFIX; wrapped in a hash tag automatically on a cluster. Default `flashcard`. */
  queuePrefix?: string
  /** JOB_ATTEMPTS. Default 3. */
  jobAttempts?: number
  /** Backlog (waiting + delayed) above which enqueueing fails with QUEUE_FULL. 0 = no limit. */
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

const BULL_TYPES_BY_STATE: Record<JobStateName, JobType[]> = {
  waiting: ['waiting', 'prioritized'],
  delayed: ['delayed'],
  active: ['active'],
  'waiting-children': ['waiting-children'],
  completed: ['completed'],
  failed: ['failed'],
  unknown: [],
}
const LISTED_STATES: JobStateName[] = ['active', 'waiting', 'waiting-children', 'delayed', 'failed', 'completed']
/** Jobs scanned per state when listing; retention keeps far fewer than this in practice. */
const LIST_SCAN_LIMIT = 5_000
const JOB_ID_REGEX = new RegExp(JOB_ID_PATTERN)

function sha256(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex')
}

/**
 * The one client of the flashcard queues, shared by the Fastify plugin and the workers: enqueues
 * generation and transcription work, reads normalised job status, lists, cancels and retries,
 * always on behalf of a tenant, who never sees another tenant's jobs.
 */
export class FlashcardQueues {
  readonly prefix: string
  readonly connection: RedisConnection
  readonly stats: JobStats
  readonly cancels: CancelRequests
  readonly heartbeats: Heartbeats
  private readonly ownsConnection: boolean
  private readonly queues: Record<QueueName, Queue>
  private readonly maxQueueDepth: number
  private readonly backlogCacheMs: number
  private readonly backlogs = new Map<QueueName, { count: number; readAt: number } | Promise<number>>()
  private wasReady = false
  private firstConnect: Promise<void> | undefined

  constructor(options: FlashcardQueuesOptions) {
    const cluster =
      typeof options.connection === 'string' ? isClusterUrl(options.connection) : options.connection instanceof Cluster
    this.prefix = queuePrefixFor(options.queuePrefix ?? 'flashcard', cluster)
    this.ownsConnection = typeof options.connection === 'string'
    this.connection =
      typeof options.connection === 'string'
        ? createRedis(options.connection, { role: 'producer', connectionName: 'flashcard-queues' })
        : options.connection
    // Without a listener ioredis prints every reconnect error; callers see failures through commands.
    if (this.ownsConnection) this.connection.on('error', () => {})
    if (this.connection.status === 'ready') this.wasReady = true
    this.connection.on('ready', () => {
      this.wasReady = true
    })
    this.maxQueueDepth = options.maxQueueDepth ?? 0
    this.backlogCacheMs = options.backlogCacheMs ?? 0
    const defaults = defaultJobOptions(options.jobAttempts ?? 3)
    const make = (name: QueueName) =>
      new Queue(name, { connection: this.connection, prefix: this.prefix, defaultJobOptions: defaults })
    this.queues = { orchestrator: make('orchestrator'), transcription: make('transcription') }
    for (const queue of Object.values(this.queues)) queue.on('error', () => {})
    this.stats = new JobStats(this.connection, this.prefix)
    this.cancels = new CancelRequests(this.connection, this.prefix)
    this.heartbeats = new Heartbeats(this.connection, this.prefix)
  }

  /**
   * Resolves once Redis is usable. The first connect is awaited (up to `startupWaitMs`); after
   * that a lost connection fails at once with UNAVAILABLE, so an HTTP request never waits on
   * a Redis that is down.
   */
  async ready(startupWaitMs = 5_000): Promise<void> {
    const connection = this.connection
    if (connection.status === 'ready') return
    if (this.wasReady || connection.status === 'end') throw unavailable()
    // Concurrent callers share one wait (and one listener) for the first connect.
    this.firstConnect ??= new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        connection.off('ready', onReady)
        this.firstConnect = undefined
        reject(unavailable())
      }, startupWaitMs)
      const onReady = () => {
        clearTimeout(timer)
        resolve()
      }
      connection.once('ready', onReady)
    })
    await this.firstConnect
  }

  /** Runs a Redis operation, turning connection failures into UNAVAILABLE. */
  private async guard<T>(operation: () => Promise<T>): Promise<T> {
    await this.ready()
    try {
      return await operation()
    } catch (err) {
      if (err instanceof FlashcardError || !isConnectionError(err)) throw err
      throw unavailable(err)
    }
  }

  /** The underlying BullMQ queue, for dashboards and advanced use. */
  queue(name: QueueName): Queue {
    return this.queues[name]
  }

  /** Enqueues the generation work a request describes: one module, several, or a whole course. */
  async enqueueGeneration(body: GenerateBatchBody, owner: Owner): Promise<EnqueuedJob[]> {
    const request = assertValid(GenerateBatchBody, body, 'body')
    checkTarget(request)
    return this.guard(() => this.enqueueValidGeneration(request, owner))
  }

  private async enqueueValidGeneration(request: GenerateBatchBody, owner: Owner): Promise<EnqueuedJob[]> {
    const settings = resolveSettings(request.settings)
    const { course_id } = request.target
    if (request.mode === 'course') {
      const data: CourseJobData = { kind: 'course', course_id, settings, owner }
      return [await this.add('orchestrator', JOB_NAMES.course, data, 'course', null)]
    }
    const moduleIds = request.mode === 'single_module' ? [request.target.module_id!] : request.target.module_ids!
    await this.ensureCapacity('orchestrator', moduleIds.length)
    const jobs: EnqueuedJob[] = []
    for (const module_id of moduleIds) {
      const data: ModuleJobData = {
        kind: 'module',
        module_id,
        course_id,
        settings,
        owner,
        ...(request.content ? { content: request.content } : {}),
      }
      jobs.push(await this.add('orchestrator', JOB_NAMES.module, data, 'module', module_id, false))
    }
    return jobs
  }

  /**
   * Enqueues the generation of one module on behalf of a worker (course expansion, transcription
   * chaining), with the same deduplication as the API.
   */
  async enqueueModule(data: Omit<ModuleJobData, 'kind'>): Promise<EnqueuedJob> {
    return this.guard(() => this.add('orchestrator', JOB_NAMES.module, { kind: 'module', ...data }, 'module', data.module_id, false))
  }

  async enqueueTranscription(body: TranscriptionBody, owner: Owner): Promise<EnqueuedJob> {
    const request = assertValid(TranscriptionBody, body, 'body')
    const data: TranscriptionJobData = {
      kind: 'transcription',
      module_id: request.module_id,
      course_id: request.course_id,
      files: request.files,
      settings: resolveSettings(request.settings),
      owner,
    }
    return this.guard(() => this.add('transcription', JOB_NAMES.transcription, data, 'transcription', request.module_id))
  }

  private async add(
    queue: QueueName,
    name: string,
    data: OrchestratorJobData | TranscriptionJobData,
    kind: EnqueuedJob['kind'],
    moduleId: string | null,
    checkCapacity = true,
  ): Promise<EnqueuedJob> {
    if (checkCapacity) await this.ensureCapacity(queue, 1)
    const jobId = randomUUID()
    // Same tenant, same target, same settings and content → same work: reuse the queued job.
    const dedupId = sha256({ queue, name, data: { ...data, owner: { tenant: data.owner.tenant } } })
    const job = await this.queues[queue].add(name, data, { jobId, deduplication: { id: dedupId } })
    const deduplicated = job.id !== jobId
    if (!deduplicated) {
      const cached = this.backlogs.get(queue)
      if (cached && !(cached instanceof Promise)) cached.count++
      await this.stats.recordEnqueued(queue)
    }
    return { job_id: String(job.id), queue, kind, course_id: data.course_id, module_id: moduleId, deduplicated }
  }

  private async ensureCapacity(queue: QueueName, adding: number): Promise<void> {
    if (this.maxQueueDepth <= 0) return
    const backlog = await this.backlog(queue)
    if (backlog + adding > this.maxQueueDepth) {
      throw new FlashcardError(
        'QUEUE_FULL',
        `The ${queue} queue holds ${backlog} waiting jobs (limit ${this.maxQueueDepth}); try again later`,
        { retryAfterSeconds: 30, details: { backlog, limit: this.maxQueueDepth } },
      )
    }
  }

  /** Waiting and delayed jobs: read from Redis, or from the cache within `backlogCacheMs` (one read shared by concurrent callers). */
  private async backlog(queue: QueueName): Promise<number> {
    const read = () => this.queues[queue].getJobCountByTypes('waiting', 'prioritized', 'delayed')
    if (this.backlogCacheMs <= 0) return read()
    const cached = this.backlogs.get(queue)
    if (cached instanceof Promise) return cached
    if (cached && Date.now() - cached.readAt < this.backlogCacheMs) return cached.count
    const reading = read().then(
      (count) => {
        if (this.backlogs.get(queue) === reading) this.backlogs.set(queue, { count, readAt: Date.now() })
        return count
      },
      (err: unknown) => {
        if (this.backlogs.get(queue) === reading) this.backlogs.delete(queue)
        throw err
      },
    )
    this.backlogs.set(queue, reading)
    return reading
  }

  /** A job of the tenant, or undefined when it does not exist or belongs to someone else. */
  async getJob(queue: QueueName, jobId: string, tenant: string): Promise<JobStatus | undefined> {
    return this.guard(async () => {
      const job = await this.findOwnedJob(queue, jobId, tenant)
      if (!job) return undefined
      return toJobStatus(job, queue, normaliseState(await job.getState()))
    })
  }

  /** The raw BullMQ job, if it exists and the tenant owns it. */
  async findOwnedJob(queue: QueueName, jobId: string, tenant: string): Promise<Job | undefined> {
    if (!JOB_ID_REGEX.test(jobId)) return undefined
    const job = await this.queues[queue].getJob(jobId)
    if (!job || (job.data as { owner?: Owner })?.owner?.tenant !== tenant) return undefined
    return job
  }

  /** The tenant's jobs, newest first, filtered and paginated by offset. */
  async listJobs(query: ListJobsQuery): Promise<JobPage> {
    return this.guard(() => this.scanJobs(query))
  }

  private async scanJobs(query: ListJobsQuery): Promise<JobPage> {
    const limit = Math.max(1, Math.min(query.limit ?? 20, 100))
    const offset = Math.max(0, query.offset ?? 0)
    const states = query.state ? [query.state] : LISTED_STATES
    const matches: JobStatus[] = []
    for (const state of states) {
      const types = BULL_TYPES_BY_STATE[state]
      if (types.length === 0) continue
      const jobs = await this.queues[query.queue].getJobs(types, 0, LIST_SCAN_LIMIT - 1, false)
      for (const job of jobs) {
        if (!job) continue
        const data = job.data as { owner?: Owner; module_id?: string; course_id?: string }
        if (data.owner?.tenant !== query.tenant) continue
        if (query.module_id !== undefined && data.module_id !== query.module_id) continue
        if (query.course_id !== undefined && data.course_id !== query.course_id) continue
        matches.push(toJobStatus(job as Job, query.queue, state))
      }
    }
    matches.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : a.id < b.id ? 1 : -1))
    const items = matches.slice(offset, offset + limit)
    return { items, next_offset: offset + limit < matches.length ? offset + limit : null }
  }

  /**
   * Cancels a job. A job not yet running (or already finished) is removed; a running one gets a
   * cancel request that aborts its processor in whichever worker runs it, and then fails.
   */
  async cancel(queue: QueueName, jobId: string, tenant: string): Promise<CancelOutcome | undefined> {
    return this.guard(() => this.cancelOwned(queue, jobId, tenant))
  }

  private async cancelOwned(queue: QueueName, jobId: string, tenant: string): Promise<CancelOutcome | undefined> {
    const job = await this.findOwnedJob(queue, jobId, tenant)
    if (!job) return undefined
    const state = await job.getState()
    if (state !== 'active') {
      try {
        await job.remove({ removeChildren: true })
        this.backlogs.delete(queue)
        return 'removed'
      } catch {
        // It started between getState and remove (the job is locked): cancel the run instead.
      }
    }
    await this.cancels.request(queue, jobId)
    return 'cancel_requested'
  }

  /** Runs a failed (or completed) job again, with a fresh set of attempts. */
  async retry(queue: QueueName, jobId: string, tenant: string): Promise<JobStatus | undefined> {
    return this.guard(() => this.retryOwned(queue, jobId, tenant))
  }

  private async retryOwned(queue: QueueName, jobId: string, tenant: string): Promise<JobStatus | undefined> {
    const job = await this.findOwnedJob(queue, jobId, tenant)
    if (!job) return undefined
    const state = await job.getState()
    if (state !== 'failed' && state !== 'completed') {
      throw new FlashcardError('CONFLICT', `Job ${jobId} is ${normaliseState(state)}; only failed or completed jobs can be retried`, {
        details: { state: normaliseState(state) },
      })
    }
    await this.cancels.clear(queue, jobId)
    await job.retry(state)
    this.backlogs.delete(queue)
    await this.stats.recordEnqueued(queue)
    return this.getJob(queue, jobId, tenant)
  }

  /** Job counts per state, for health and metrics. */
  async counts(queue: QueueName): Promise<Record<string, number>> {
    return this.guard(() => this.queues[queue].getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'waiting-children', 'completed', 'failed'))
  }

  /** Closes the queues, and the Redis connection if this client opened it. */
  async close(): Promise<void> {
    await Promise.allSettled(QUEUE_NAMES.map((name) => this.queues[name].close()))
    if (this.ownsConnection) await closeRedis(this.connection)
  }
}

function unavailable(cause?: unknown): FlashcardError {
  return new FlashcardError('UNAVAILABLE', 'Redis is unreachable; the job store is unavailable, try again shortly', {
    retryAfterSeconds: 5,
    ...(cause === undefined ? {} : { cause }),
  })
}

const CONNECTION_ERROR = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|Stream isn't writeable|Connection is closed|Command timed out|MaxRetriesPerRequest|CLUSTERDOWN|TRYAGAIN|LOADING|READONLY|NOREPLICAS|MASTERDOWN|Failed to refresh slots cache|None of the sentinels are available/

function isConnectionError(err: unknown): boolean {
  return err instanceof Error && CONNECTION_ERROR.test(`${err.message} ${(err as { code?: string }).code ?? ''}`)
}

/** The mode-dependent rules a JSON schema cannot say clearly; each error names the field. */
export function checkTarget(body: GenerateBatchBody): void {
  const { mode, target } = body
  const fail = (field: string, message: string): never => {
    throw new FlashcardError('VALIDATION_ERROR', `body.${field}: ${message}`, { details: { field: `body.${field}` } })
  }
  if (mode === 'single_module') {
    if (target.module_id === undefined) fail('target.module_id', 'is required when mode is "single_module"')
    if (target.module_ids !== undefined) fail('target.module_ids', 'is not allowed when mode is "single_module" (use target.module_id)')
  } else if (mode === 'modules') {
    if (target.module_ids === undefined) fail('target.module_ids', 'is required when mode is "modules"')
    if (target.module_id !== undefined) fail('target.module_id', 'is not allowed when mode is "modules" (use target.module_ids)')
    if (body.content !== undefined) fail('content', 'inline content is only allowed when mode is "single_module"')
  } else {
    if (target.module_id !== undefined || target.module_ids !== undefined) {
      fail(target.module_id !== undefined ? 'target.module_id' : 'target.module_ids', 'is not allowed when mode is "course"')
    }
    if (body.content !== undefined) fail('content', 'inline content is only allowed when mode is "single_module"')
  }
}

export type { ResolvedSettings }
