import { Job, type Queue } from 'bullmq'
import { auxKey, type QueueName } from '../queues.js'
import { closeRedis, type RedisConnection } from '../redis.js'
import type { Owner } from '../schemas.js'
import { statsKey } from '../stats.js'
import type { JobStateName } from '../status.js'
import { INDEX_ARGS, INDEX_KEYS, indexedAddScript } from './lua.js'
import { fieldsOf, scriptsOf, stateKeys, type JobSnapshot } from './scripts.js'
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

/** BullMQ's scripts that add one job (which one runs depends on its options), as named on a connection. */
const ADD_SCRIPT = /^add(?:Standard|Delayed|Prioritized|Parent)Job:/

type ScriptDefinitions = Record<string, { lua: string; numberOfKeys: number | null }>

/** The name of the indexed form of one of BullMQ's add scripts. */
const indexedName = (script: string) => `flashcardIndexed:${script}`

type Args = (string | number | Buffer | null)[]
type IndexedAdd = (...args: Args) => Promise<unknown>
type Multi = Record<string, IndexedAdd> & { exec(): Promise<[Error | null, unknown][] | null> }

/**
 * BullMQ's add command for one job, as BullMQ hands it to a client: the script's name and its
 * keys and arguments. A stand-in client records it (BullMQ queues the command synchronously) and
 * answers with the reply of the indexed script once it has run.
 */
interface CapturedAdd {
  name: string
  args: Args
  settle: { resolve: (reply: unknown) => void; reject: (err: unknown) => void }
}

function captureAdd(job: Job): { captured: CapturedAdd | undefined; bookkeeping: Promise<unknown> } {
  let captured: CapturedAdd | undefined
  const client = {
    runCommand: (name: string, args: Args) =>
      new Promise((resolve, reject) => {
        captured = { name, args, settle: { resolve, reject } }
      }),
  }
  const bookkeeping = job.addJob(client as never)
  return { captured, bookkeeping }
}

/**
 * The connection the adds run on: a duplicate of the queue's, with only the indexed forms of
 * BullMQ's add scripts (indexedAddScript: BullMQ's add and the tenant index in one script). One
 * job is one EVALSHA, as for a bare queue.add; the jobs of a multi-module request share a MULTI.
 * ioredis copies every script defined on a connection onto each MULTI it opens, and on the
 * queue's connection BullMQ defines about fifty, which is why this connection holds only these.
 */
class AddConnection {
  readonly connection: RedisConnection
  private readonly availability: Availability
  /** Per BullMQ add script: how many keys it takes. */
  private readonly bullmqKeys = new Map<string, number>()

  constructor(queueConnection: RedisConnection) {
    const defined = (queueConnection as unknown as { scriptsSet: ScriptDefinitions }).scriptsSet
    const adds = Object.entries(defined).filter(([name]) => ADD_SCRIPT.test(name))
    if (adds.length === 0) throw new Error('the queue does not run on the client connection')
    const connection = (queueConnection as { duplicate(): RedisConnection }).duplicate()
    this.connection = connection
    // Failures reach the caller through the command; without a listener ioredis prints each one.
    connection.on('error', () => {})
    for (const [name, { lua, numberOfKeys }] of adds) {
      if (numberOfKeys === null) continue
      this.bullmqKeys.set(name, numberOfKeys)
      connection.defineCommand(indexedName(name), { lua: indexedAddScript(lua), numberOfKeys: numberOfKeys + INDEX_KEYS })
    }
    this.availability = new Availability(connection)
  }

  /** Whether the connection is usable now (ready() would resolve at once). */
  get isReady(): boolean {
    return this.connection.status === 'ready'
  }

  /** Resolves once this connection is usable (its first connect awaited, like the queue's). */
  ready(): Promise<void> {
    return this.availability.ready()
  }

  /** The indexed script's name and its keys and arguments: BullMQ's, then the index's. */
  command(add: CapturedAdd, indexKeys: string[], indexArgs: (string | number)[]): { name: string; args: Args } {
    const keys = this.bullmqKeys.get(add.name)
    if (keys === undefined || indexKeys.length !== INDEX_KEYS || indexArgs.length !== INDEX_ARGS) {
      throw new Error(`no indexed form of BullMQ's ${add.name} script`)
    }
    return { name: indexedName(add.name), args: [...add.args.slice(0, keys), ...indexKeys, ...add.args.slice(keys), ...indexArgs] }
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
   * Adds the jobs with BullMQ's own add script and indexes each new one in the same script (one
   * MULTI for several jobs): a job is never in Redis without its index entry, nor without being
   * counted in the queue's `enqueued` statistic. Returns each job's id: its own, or that of the
   * waiting or running job it was deduplicated into (nothing is indexed for it then).
   */
  async add(queue: Queue, name: QueueName, jobs: IndexedJob[]): Promise<string[]> {
    if (!this.adder) {
      // Once BullMQ's client is up, its scripts are defined on the connection for the adder to copy.
      await queue.getBackend().client
      this.adder ??= new AddConnection(this.connection)
    }
    const adder = this.adder
    if (!adder.isReady) await adder.ready()
    const indexKeys = [this.tenantKey(name, jobs[0]!.data.owner.tenant), auxKey(this.prefix, name, 'jobs:sweep'), statsKey(this.prefix, name)]
    const jobPrefix = queue.toKey('')
    const captures: CapturedAdd[] = []
    const bookkeeping: Promise<unknown>[] = []
    const commands = jobs.map(({ name: jobName, data, jobId, dedupId }) => {
      const job = new Job(queue, jobName, data, { ...queue.defaultJobOptions, jobId, deduplication: { id: dedupId } }, jobId)
      // BullMQ builds its add command at once and hands it to the stand-in client.
      const { captured, bookkeeping: settled } = captureAdd(job)
      if (!captured) throw new Error('BullMQ did not hand over its add command')
      captures.push(captured)
      bookkeeping.push(settled)
      const keys = data.owner.tenant === jobs[0]!.data.owner.tenant ? indexKeys : [this.tenantKey(name, data.owner.tenant), indexKeys[1]!, indexKeys[2]!]
      return adder.command(captured, keys, [jobId, memberOf(jobId, data.course_id, data.module_id), job.timestamp, jobPrefix, SWEEP_PER_ADD])
    })
    let replies: unknown[]
    try {
      replies = await this.run(adder, commands)
    } catch (err) {
      for (const capture of captures) capture.settle.reject(err)
      await Promise.allSettled(bookkeeping)
      throw err
    }
    captures.forEach((capture, i) => capture.settle.resolve(replies[i]))
    // BullMQ's own checks of its reply (a negative code is an error of the add).
    await Promise.all(bookkeeping)
    return replies.map((reply) => String(reply))
  }

  /** One job: one command. Several: one MULTI, all added or none. */
  private async run(adder: AddConnection, commands: { name: string; args: Args }[]): Promise<unknown[]> {
    const connection = adder.connection as unknown as Record<string, IndexedAdd> & { multi(): Multi }
    if (commands.length === 1) {
      const { name, args } = commands[0]!
      return [await connection[name]!(...args)]
    }
    const multi = connection.multi()
    for (const { name, args } of commands) void multi[name]!(...args)
    const replies = await multi.exec()
    if (!replies) throw new TransactionAbortedError('the MULTI adding jobs was aborted')
    const failed = replies.find(([err]) => err)
    if (failed?.[0]) throw failed[0]
    return replies.map(([, reply]) => reply)
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
