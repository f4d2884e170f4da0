import type { Registry } from 'prom-client'
import type { FlashcardQueues } from './client/index.js'
import { QUEUE_NAMES, type QueueName } from './queues.js'
import { DURATION_BUCKETS, type JobOutcome, type QueueStatsSnapshot } from './stats.js'

/** The runbook's metric names, plus queue depth, LLM usage and cards. */
export const METRIC_NAMES = {
  enqueued: 'flashcard_jobs_enqueued_total',
  failed: 'flashcard_jobs_failed_total',
  completed: 'flashcard_jobs_completed_total',
  inProgress: 'flashcard_jobs_in_progress',
  duration: 'flashcard_job_duration_seconds',
  queueDepth: 'flashcard_queue_depth',
  cards: 'flashcard_cards_generated_total',
  llmCalls: 'flashcard_llm_calls_total',
  llmTokens: 'flashcard_llm_tokens_total',
  workers: 'flashcard_workers_alive',
} as const

type Labels = Record<string, string | number>
interface Sample {
  value: number
  labels: Labels
  metricName?: string
}

/** What the metrics and the API's health report read from Redis: per queue, its stats, its job counts by state and its live workers. */
export interface SystemSnapshot {
  stats: Record<QueueName, QueueStatsSnapshot>
  counts: Record<QueueName, Record<string, number>>
  workers: Record<QueueName, number>
}

/** Reads the snapshot in one round of parallel Redis reads; rejects as the queue client does when Redis is down. */
export async function readSystemSnapshot(queues: FlashcardQueues): Promise<SystemSnapshot> {
  const [stats, counts, alive] = await Promise.all([
    Promise.all(QUEUE_NAMES.map((q) => queues.readStats(q))),
    Promise.all(QUEUE_NAMES.map((q) => queues.counts(q))),
    queues.aliveWorkers(),
  ])
  const workers = { orchestrator: 0, transcription: 0 }
  for (const worker of alive) workers[worker.queue] += 1
  return {
    stats: { orchestrator: stats[0]!, transcription: stats[1]! },
    counts: { orchestrator: counts[0]!, transcription: counts[1]! },
    workers,
  }
}

/** `read`, with calls within `cacheMs` of each other sharing one result; a failed read is not kept. */
function cached<T>(read: () => Promise<T>, cacheMs: number): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined
  return () => {
    const now = Date.now()
    if (last && now - last.at < cacheMs) return last.value
    const value = read()
    last = { at: now, value }
    value.catch(() => {
      if (last?.value === value) last = undefined
    })
    return value
  }
}

/**
 * A metric whose samples are read from Redis at scrape time. prom-client accepts any object with
 * `name` and `get()`; reading from Redis (not from in-process counters) makes the numbers true
 * for jobs that workers in other processes ran.
 */
class RedisBackedMetric {
  readonly aggregator = 'sum'
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    private readonly samples: () => Promise<Sample[]>,
  ) {}

  async get() {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: await this.samples() }
  }

  reset(): void {}
}

export interface FlashcardMetricsOptions {
  /** The registry to add the metrics to; owned by the caller, nothing global is touched. */
  registry: Registry
  queues: FlashcardQueues
  /** Reads within this many ms of each other share one Redis round (a scrape asks for every metric). */
  cacheMs?: number
}

type Read = () => Promise<SystemSnapshot>

/** One sample per queue, labelled `type`. */
const perQueue = (read: Read, pick: (s: SystemSnapshot, q: QueueName) => number) => async (): Promise<Sample[]> => {
  const s = await read()
  return QUEUE_NAMES.map((type) => ({ value: pick(s, type), labels: { type } }))
}

/** Samples of a stats hash whose keys join label values with `|` (`gemini|stageA|ok`). */
const keyedSamples = (read: Read, pick: (s: QueueStatsSnapshot) => Record<string, number>, names: string[]) => async (): Promise<Sample[]> => {
  const s = await read()
  const labelsOf = (key: string): Labels => Object.fromEntries(key.split('|').map((part, i) => [names[i] ?? `l${i}`, part]))
  return QUEUE_NAMES.flatMap((type) => Object.entries(pick(s.stats[type])).map(([key, value]) => ({ value, labels: { type, ...labelsOf(key) } })))
}

const queueDepthSamples = (read: Read) => async (): Promise<Sample[]> => {
  const s = await read()
  return QUEUE_NAMES.flatMap((type) => Object.entries(s.counts[type]).map(([state, value]) => ({ value, labels: { type, state } })))
}

/** The histogram's `_bucket`, `_sum` and `_count` series, per queue and outcome. */
const durationSamples = (read: Read) => async (): Promise<Sample[]> => {
  const s = await read()
  const out: Sample[] = []
  const series = (suffix: string, value: number, labels: Labels) => out.push({ metricName: `${METRIC_NAMES.duration}_${suffix}`, value, labels })
  for (const type of QUEUE_NAMES) {
    for (const status of ['SUCCESS', 'FAILED'] as JobOutcome[]) {
      const h = s.stats[type].duration[status]
      DURATION_BUCKETS.forEach((le, i) => series('bucket', h.buckets[i]!, { type, status, le }))
      series('bucket', h.count, { type, status, le: '+Inf' })
      series('sum', h.sum, { type, status })
      series('count', h.count, { type, status })
    }
  }
  return out
}

function flashcardMetrics(read: Read): RedisBackedMetric[] {
  return [
    new RedisBackedMetric(
      METRIC_NAMES.enqueued,
      'Total number of jobs enqueued',
      'counter',
      perQueue(read, (s, q) => s.stats[q].enqueued),
    ),
    new RedisBackedMetric(
      METRIC_NAMES.failed,
      'Total number of failed jobs',
      'counter',
      perQueue(read, (s, q) => s.stats[q].failed),
    ),
    new RedisBackedMetric(
      METRIC_NAMES.completed,
      'Total number of completed jobs',
      'counter',
      perQueue(read, (s, q) => s.stats[q].completed),
    ),
    new RedisBackedMetric(
      METRIC_NAMES.inProgress,
      'Number of jobs currently in progress',
      'gauge',
      perQueue(read, (s, q) => s.counts[q].active ?? 0),
    ),
    new RedisBackedMetric(
      METRIC_NAMES.cards,
      'Total number of flashcards generated',
      'counter',
      perQueue(read, (s, q) => s.stats[q].cards),
    ),
    new RedisBackedMetric(
      METRIC_NAMES.workers,
      'Workers with a fresh heartbeat',
      'gauge',
      perQueue(read, (s, q) => s.workers[q]),
    ),
    new RedisBackedMetric(METRIC_NAMES.queueDepth, 'Jobs in the queue by state', 'gauge', queueDepthSamples(read)),
    new RedisBackedMetric(METRIC_NAMES.duration, 'Job duration in seconds', 'histogram', durationSamples(read)),
    new RedisBackedMetric(
      METRIC_NAMES.llmCalls,
      'LLM provider calls by provider, stage and outcome (ok, error, cached)',
      'counter',
      keyedSamples(read, (stats) => stats.llmCalls, ['provider', 'stage', 'outcome']),
    ),
    new RedisBackedMetric(
      METRIC_NAMES.llmTokens,
      'LLM tokens by provider and direction (input, output)',
      'counter',
      keyedSamples(read, (stats) => stats.llmTokens, ['provider', 'direction']),
    ),
  ]
}

/** Registers the flashcard metrics on `registry`. Returns a function that unregisters them. */
export function registerFlashcardMetrics(options: FlashcardMetricsOptions): () => void {
  const { registry, queues } = options
  const metrics = flashcardMetrics(cached(() => readSystemSnapshot(queues), options.cacheMs ?? 250))
  for (const metric of metrics) registry.registerMetric(metric as never)
  return () => {
    for (const metric of metrics) registry.removeSingleMetric(metric.name)
  }
}
