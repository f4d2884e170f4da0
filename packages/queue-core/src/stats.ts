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

/**
 * Cross-process job statistics in one Redis hash per queue. Workers record what they finish, the
 * API records what it enqueues, and whoever serves /metrics reads the sum of all processes,
 * so the counters stay true however many workers run, and survive their restarts.
 */
export class JobStats {
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
   * the last attempt) in one script call: one round trip per attempt, calls of the same provider,
   * stage and outcome summed into one increment, and one increment for the duration histogram
   * (the bucket the duration falls in; {@link read} adds them up into Prometheus' cumulative
   * buckets).
   */
  async recordAttempt(queue: QueueName, attempt: AttemptRecord): Promise<void> {
    const increments = new Map<string, number>()
    const add = (field: string, by: number) => increments.set(field, (increments.get(field) ?? 0) + by)
    for (const call of attempt.llmCalls ?? []) {
      const outcome = call.cached ? 'cached' : call.ok ? 'ok' : 'error'
      add(`llm_calls:${call.provider}|${call.stage}|${outcome}`, 1)
      if (call.inputTokens > 0) add(`llm_tokens:${call.provider}|input`, call.inputTokens)
      if (call.outputTokens > 0) add(`llm_tokens:${call.provider}|output`, call.outputTokens)
    }
    const finished = attempt.finished
    if (increments.size === 0 && !finished) return
    let lastSuccess = ''
    let sum: [string, number] | ['', 0] = ['', 0]
    if (finished) {
      const { outcome, durationSeconds, cards = 0 } = finished
      const le = DURATION_BUCKETS.find((bound) => durationSeconds <= bound)
      // Above the last bound only the count (Prometheus' +Inf bucket) goes up.
      if (le !== undefined) add(`duration:${outcome}:in:${le}`, 1)
      add(`duration:${outcome}:count`, 1)
      add(outcome === 'SUCCESS' ? 'completed' : 'failed', 1)
      if (cards > 0) add('cards', cards)
      if (outcome === 'SUCCESS') lastSuccess = String(Date.now())
      sum = [`duration:${outcome}:sum`, durationSeconds]
    }
    const args: (string | number)[] = [lastSuccess, ...sum]
    for (const [field, by] of increments) args.push(field, by)
    await statsScriptOf(this.redis).flashcardRecordAttempt(this.key(queue), ...args)
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
 * KEYS[1] the stats hash; ARGV[1] the last success time ('' to leave it), ARGV[2] the duration sum
 * field ('' for none) and ARGV[3] what to add to it, then field/increment pairs.
 */
const RECORD_ATTEMPT = `
if ARGV[1] ~= '' then redis.call('HSET', KEYS[1], 'last_success_at', ARGV[1]) end
if ARGV[2] ~= '' then redis.call('HINCRBYFLOAT', KEYS[1], ARGV[2], ARGV[3]) end
for i = 4, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
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
