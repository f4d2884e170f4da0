import { createIORedisClient, Job, type Queue } from 'bullmq'
import { auxKey, type QueueName } from '../queues.js'
import { closeRedis, type RedisConnection } from '../redis.js'
import type { Owner } from '../schemas.js'
import { statsKey } from '../stats.js'
import type { JobStateName } from '../status.js'
import { fieldsOf, scriptsOf, stateKeys, type JobSnapshot, type ScriptCommands } from './scripts.js'
import { TransactionAbortedError } from '../errors.js'
import { Availability } from './availability.js'

/** Members of the tenant index checked for removed jobs on each add (the cursor goes round the index). */
const SWEEP_PER_ADD = 8
/** Index members one list call reads at most: bounds how long a single script holds Redis. */
const READ_CHUNK_MAX = 500

/** A job to add: its BullMQ name, payload, the id it gets when it is new, and its deduplication id. */
export interface IndexedJob {
  name: string
  data: { owner: Owner; course_id: string; module_id?: string }
  jobId: string
  dedupId: string
}

/** Which of a tenant's jobs a list reads. */
export interface IndexQuery {
  queue: QueueName
  tenant: string
  state?: JobStateName | undefined
  module_id?: string | undefined
  course_id?: string | undefined
}

export interface IndexedSnapshot {
  id: string
  snapshot: JobSnapshot
}

type Transaction = ScriptCommands & { exec(): Promise<[Error | null, unknown][] | null> }

/** BullMQ's scripts that add one job (which one runs depends on its options), as named on a connection. */
const ADD_SCRIPT = /^add(?:Standard|Delayed|Prioritized|Parent)Job:/

type ScriptDefinitions = Record<string, { lua: string; numberOfKeys: number | null }>

/**
 * The connection the adding MULTI runs on: a duplicate of the queue's, with only the scripts that
 * MULTI runs. ioredis copies every script defined on a connection onto each MULTI it opens, and
 * on the queue's connection BullMQ defines about fifty: opening the MULTI there was a tenth of an
 * enqueue's CPU, and most of its garbage.
 */
class AddConnection {
  readonly client: ReturnType<typeof createIORedisClient<RedisConnection>>
  private readonly connection: RedisConnection
  private readonly availability: Availability

  constructor(queueConnection: RedisConnection) {
    const defined = (queueConnection as unknown as { scriptsSet: ScriptDefinitions }).scriptsSet
    const adds = Object.entries(defined).filter(([name]) => ADD_SCRIPT.test(name))
    if (adds.length === 0) throw new Error('the queue does not run on the client connection')
    const connection = (queueConnection as { duplicate(): RedisConnection }).duplicate()
    this.connection = connection
    // Failures reach the caller through the MULTI; without a listener ioredis prints each one.
    connection.on('error', () => {})
    for (const [name, { lua, numberOfKeys }] of adds) connection.defineCommand(name, { lua, numberOfKeys: numberOfKeys ?? undefined })
    scriptsOf(connection)
    this.availability = new Availability(connection)
    this.client = createIORedisClient(connection)
  }

  /** Whether the connection is usable now (ready() would resolve at once). */
  get isReady(): boolean {
    return this.connection.status === 'ready'
  }

  /** Resolves once this connection is usable (its first connect awaited, like the queue's). */
  ready(): Promise<void> {
    return this.availability.ready()
  }

  close(): Promise<void> {
    return closeRedis(this.connection)
  }
}

/** A job's member in the index sets (the layout is in lua.ts): none of the three parts holds a colon. */
function memberOf(jobId: string, course: string, module: string | undefined): string {
  return `${jobId}:${course}:${module ?? ''}`
}

/**
 * The tenant index behind listing: per tenant (and per tenant and course, tenant and module)
 * sorted sets of job ids, newest last, written in the same MULTI as BullMQ's add, so a list
 * reads O(offset + page) members of the caller's own index whatever other tenants hold. Members
 * of jobs that retention (or anything else) removed are dropped by a sweep on each add and by
 * the lists that meet them.
 */
export class TenantIndex {
  private adder: AddConnection | undefined

  constructor(
    private readonly connection: RedisConnection,
    private readonly prefix: string,
  ) {}

  /** Closes the connection the adds run on, when one was opened. */
  async close(): Promise<void> {
    await this.adder?.close()
  }

  private tenantKey(queue: QueueName, tenant: string): string {
    // A tenant is any string: encoded, it cannot reach into another tenant's keys.
    return auxKey(this.prefix, queue, `jobs:t:${encodeURIComponent(tenant)}`)
  }

  /**
   * Adds the jobs with BullMQ's own add script and indexes each new one, all in one MULTI: a job
   * is never in Redis without its index entry, nor without being counted in the queue's
   * `enqueued` statistic. Returns each job's id: its own, or that of the
   * waiting or running job it was deduplicated into (nothing is indexed for it then).
   */
  async add(queue: Queue, name: QueueName, jobs: IndexedJob[]): Promise<string[]> {
    if (!this.adder) {
      // Once BullMQ's client is up, its scripts are defined on the connection for the adder to copy.
      await queue.getBackend().client
      this.adder ??= new AddConnection(this.connection)
    }
    if (!this.adder.isReady) await this.adder.ready()
    const multi = this.adder.client.multi() as unknown as Transaction
    const adds: Promise<unknown>[] = []
    for (const { name: jobName, data, jobId, dedupId } of jobs) {
      const job = new Job(queue, jobName, data, { ...queue.defaultJobOptions, jobId, deduplication: { id: dedupId } }, jobId)
      // BullMQ queues its add script on the MULTI at once; the promise only settles its bookkeeping.
      adds.push(job.addJob(multi as never))
      const member = memberOf(jobId, data.course_id, data.module_id)
      multi.flashcardIndexJob(
        queue.toKey(jobId),
        this.tenantKey(name, data.owner.tenant),
        auxKey(this.prefix, name, 'jobs:sweep'),
        statsKey(this.prefix, name),
        member,
        job.timestamp,
        queue.toKey(''),
        SWEEP_PER_ADD,
      )
    }
    await Promise.all(adds)
    const replies = await multi.exec()
    if (!replies) throw new TransactionAbortedError('the MULTI adding jobs was aborted')
    const failed = replies.find(([err]) => err)
    if (failed?.[0]) throw failed[0]
    // Each job has two replies: BullMQ's add (the job id) and the index script's.
    return jobs.map((_, i) => String(replies[2 * i]![1]))
  }

  /** Drops a removed job from its tenant's indexes. */
  async drop(queue: QueueName, jobId: string, data: IndexedJob['data']): Promise<void> {
    await scriptsOf(this.connection).flashcardDropJob(this.tenantKey(queue, data.owner.tenant), memberOf(jobId, data.course_id, data.module_id))
  }

  /** The matching jobs after skipping `skip` of them, newest first, at most `want`; each read atomically. */
  async read(queue: Queue, query: IndexQuery, skip: number, want: number): Promise<IndexedSnapshot[]> {
    const [kind, value] = query.module_id !== undefined ? ['m', query.module_id] : query.course_id !== undefined ? ['c', query.course_id] : ['', '']
    const alsoCourse = kind === 'm' ? (query.course_id ?? '') : ''
    const head = [...stateKeys(queue), this.tenantKey(query.queue, query.tenant), queue.toKey(''), kind, value, alsoCourse, query.state ?? '']
    const out: IndexedSnapshot[] = []
    for (let rank = 0; ;) {
      const chunk = Math.min(READ_CHUNK_MAX, Math.max(skip + want - out.length, 50))
      const [next, skipLeft, exhausted, entries] = await scriptsOf(this.connection).flashcardReadIndex(...head, rank, chunk, skip, want - out.length)
      for (const [id, state, flat] of entries) out.push({ id, snapshot: { state, fields: fieldsOf(flat) } })
      rank = next
      skip = skipLeft
      if (out.length >= want || exhausted === 1) return out
    }
  }
}
