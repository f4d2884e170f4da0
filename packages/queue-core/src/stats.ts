import type { RedisConnection } from './redis.js'
import { auxKey, type QueueName } from './queues.js'

/** Upper bounds (seconds) of the job duration histogram. */
export const DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600] as const

export type JobOutcome = 'SUCCESS' | 'FAILED'

export interface LlmCallRecord {
  provider: string
  stage: string
  ok: boolean
  inputTokens: number
  outputTokens: number
  /** True when the answer came from the stage cache and no provider call was made. */
  cached?: boolean
}

/** What one job attempt adds to the statistics (see {@link JobStats.recordAttempt}). */
export interface AttemptRecord {
  /** The attempt's provider calls and stage-cache hits. */
  llmCalls?: readonly LlmCallRecord[]
  /** Set when the job finished (completed, or failed for good). */
  finished?: { outcome: JobOutcome; durationSeconds: number; cards?: number }
}

/** Counters as stored in Redis, shared by every API and worker process. */
export interface QueueStatsSnapshot {
  enqueued: number
  completed: number
  failed: number
  cards: number
  lastSuccessAt: number | undefined
  duration: Record<JobOutcome, { buckets: number[]; sum: number; count: number }>
  /** `provider|stage|outcome` → count. */
  llmCalls: Record<string, number>
  /** `provider|input` / `provider|output` → tokens. */
  llmTokens: Record<string, number>
}

/** The queue's statistics hash (the tenant index's add script counts new jobs in it too). */
export function statsKey(prefix: string, queue: QueueName): string {
  return auxKey(prefix, queue, 'stats')
}

/** Increments of attempts that end close together, written in one script call. */
interface StatsBatch {
  increments: Map<string, number>
  /** Duration sums (floats: HINCRBYFLOAT). */
  sums: Map<string, number>
  /** The last success time, '' when none. */
  lastSuccess: string
  written: Promise<void>
}

/**
 * Cross-process job statistics in one Redis hash per queue. Workers record what they finish, the
 * API records what it enqueues, and whoever serves /metrics reads the sum of all processes,
 * so the counters stay true however many workers run, and survive their restarts.
 */
export class JobStats {
  /** Per queue: the batch still taking increments, and the last write started. */
  private readonly open = new Map<QueueName, StatsBatch>()
  private readonly lastWrite = new Map<QueueName, Promise<void>>()

  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
  ) {}

  private key(queue: QueueName): string {
    return statsKey(this.prefix, queue)
  }

  async recordEnqueued(queue: QueueName, count = 1): Promise<void> {
    await this.redis.hincrby(this.key(queue), 'enqueued', count)
  }

  /**
   * Everything one job attempt adds to the counters (its LLM calls, and its outcome when it was
   * the last attempt): calls of the same provider, stage and outcome summed into one increment,
   * and one increment for the duration histogram (the bucket the duration falls in; {@link read}
   * adds them up into Prometheus' cumulative buckets). Resolves once written, so a finished job
   * is counted before it is reported finished; attempts ending while a write is in flight are
   * summed into the next one (see {@link batchOf}).
   */
  async recordAttempt(queue: QueueName, attempt: AttemptRecord): Promise<void> {
    const calls = attempt.llmCalls ?? []
    const finished = attempt.finished
    if (calls.length === 0 && !finished) return
    const batch = this.batchOf(queue)
    const add = (field: string, by: number) => batch.increments.set(field, (batch.increments.get(field) ?? 0) + by)
    for (const call of calls) {
      const outcome = call.cached ? 'cached' : call.ok ? 'ok' : 'error'
      add(`llm_calls:${call.provider}|${call.stage}|${outcome}`, 1)
      if (call.inputTokens > 0) add(`llm_tokens:${call.provider}|input`, call.inputTokens)
      if (call.outputTokens > 0) add(`llm_tokens:${call.provider}|output`, call.outputTokens)
    }
    if (finished) {
      const { outcome, durationSeconds, cards = 0 } = finished
      const le = DURATION_BUCKETS.find((bound) => durationSeconds <= bound)
      // Above the last bound only the count (Prometheus' +Inf bucket) goes up.
      if (le !== undefined) add(`duration:${outcome}:in:${le}`, 1)
      add(`duration:${outcome}:count`, 1)
      add(outcome === 'SUCCESS' ? 'completed' : 'failed', 1)
      if (cards > 0) add('cards', cards)
      if (outcome === 'SUCCESS') batch.lastSuccess = String(Date.now())
      const sum = `duration:${outcome}:sum`
      batch.sums.set(sum, (batch.sums.get(sum) ?? 0) + durationSeconds)
    }
    await batch.written
  }

  /**
   * The batch of the queue's next write. It takes increments until the write before it is done
   * (at once when none is in flight, after the attempts of the same tick), so many attempts
   * ending together cost one script call, whose commands are per field, not per attempt.
   */
  private batchOf(queue: QueueName): StatsBatch {
    const open = this.open.get(queue)
    if (open) return open
    const batch: StatsBatch = { increments: new Map(), sums: new Map(), lastSuccess: '', written: Promise.resolve() }
    const before = this.lastWrite.get(queue) ?? Promise.resolve()
    batch.written = before.then(() => {
      this.open.delete(queue)
      const args: (string | number)[] = [batch.lastSuccess, batch.sums.size]
      for (const [field, by] of batch.sums) args.push(field, by)
      for (const [field, by] of batch.increments) args.push(field, by)
      return statsScriptOf(this.redis)
        .flashcardRecordAttempt(this.key(queue), ...args)
        .then(() => {})
    })
    this.lastWrite.set(
      queue,
      batch.written.catch(() => {}),
    )
    this.open.set(queue, batch)
    return batch
  }

  async read(queue: QueueName): Promise<QueueStatsSnapshot> {
    const raw = await this.redis.hgetall(this.key(queue))
    const num = (field: string): number => Number(raw[field] ?? 0)
    const histogram = (outcome: JobOutcome) => {
      let below = 0
      return {
        // `duration:<outcome>:<le>` are cumulative buckets as workers before the per-bucket
        // increments wrote them: still counted, so the figures survive an upgrade.
        buckets: DURATION_BUCKETS.map((le) => (below += num(`duration:${outcome}:in:${le}`)) + num(`duration:${outcome}:${le}`)),
        sum: num(`duration:${outcome}:sum`),
        count: num(`duration:${outcome}:count`),
      }
    }
    const byPrefix = (prefix: string): Record<string, number> => {
      const out: Record<string, number> = {}
      for (const [field, value] of Object.entries(raw)) {
        if (field.startsWith(prefix)) out[field.slice(prefix.length)] = Number(value)
      }
      return out
    }
    return {
      enqueued: num('enqueued'),
      completed: num('completed'),
      failed: num('failed'),
      cards: num('cards'),
      lastSuccessAt: raw.last_success_at ? Number(raw.last_success_at) : undefined,
      duration: { SUCCESS: histogram('SUCCESS'), FAILED: histogram('FAILED') },
      llmCalls: byPrefix('llm_calls:'),
      llmTokens: byPrefix('llm_tokens:'),
    }
  }
}

/**
 * KEYS[1] the stats hash; ARGV[1] the last success time ('' to leave it), ARGV[2] how many
 * field/amount pairs follow for HINCRBYFLOAT (the duration sums), then field/increment pairs.
 */
const RECORD_ATTEMPT = `
if ARGV[1] ~= '' then redis.call('HSET', KEYS[1], 'last_success_at', ARGV[1]) end
local ints = 3 + 2 * tonumber(ARGV[2])
for i = 3, ints - 1, 2 do redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], ARGV[i + 1]) end
for i = ints, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
`

interface StatsScript {
  flashcardRecordAttempt(key: string, ...args: (string | number)[]): Promise<number>
}

const defined = new WeakSet<object>()

function statsScriptOf(connection: RedisConnection): StatsScript {
  if (!defined.has(connection)) {
    connection.defineCommand('flashcardRecordAttempt', { numberOfKeys: 1, lua: RECORD_ATTEMPT })
    defined.add(connection)
  }
  return connection as unknown as StatsScript
}

export interface WorkerHeartbeat {
  /** `orchestrator` or `transcription`. */
  queue: QueueName
  /** Stable id of the process: host, pid and WORKER_ID when set. */
  id: string
  lastSeenAt: number
}

/** How often workers beat, and how old a beat may be before the API calls the worker gone. */
export const HEARTBEAT_INTERVAL_MS = 5_000
export const HEARTBEAT_MAX_AGE_MS = 20_000

/**
 * Worker liveness in one sorted set (member = `queue|id`, score = last beat in ms), so the API's
 * health check reads every worker with a single command, on a cluster too.
 */
export class Heartbeats {
  private readonly key: string
  constructor(
    private readonly redis: RedisConnection,
    prefix: string,
  ) {
    this.key = auxKey(prefix, 'all', 'workers')
  }

  async beat(queue: QueueName, id: string, now = Date.now()): Promise<void> {
    await this.redis.zadd(this.key, now, `${queue}|${id}`)
  }

  async remove(queue: QueueName, id: string): Promise<void> {
    await this.redis.zrem(this.key, `${queue}|${id}`)
  }

  /** Workers seen within `maxAgeMs`; older entries are pruned on the way. */
  async alive(maxAgeMs = HEARTBEAT_MAX_AGE_MS, now = Date.now()): Promise<WorkerHeartbeat[]> {
    const cutoff = now - maxAgeMs
    await this.redis.zremrangebyscore(this.key, '-inf', `(${cutoff - 24 * 3_600_000}`)
    const entries = await this.redis.zrangebyscore(this.key, cutoff, '+inf', 'WITHSCORES')
    const out: WorkerHeartbeat[] = []
    for (let i = 0; i < entries.length; i += 2) {
      const member = entries[i]!
      const bar = member.indexOf('|')
      out.push({ queue: member.slice(0, bar) as QueueName, id: member.slice(bar + 1), lastSeenAt: Number(entries[i + 1]) })
    }
    return out
  }
}
