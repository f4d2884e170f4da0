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
interface Snapshot {
  stats: Record<QueueName, QueueStatsSnapshot>
  counts: Record<QueueName, Record<string, number>>
  workers: Record<QueueName, number>
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

/** Registers the flashcard metrics on `registry`. Returns a function that unregisters them. */
export function registerFlashcardMetrics(options: FlashcardMetricsOptions): () => void {
  const { registry, queues } = options
  const cacheMs = options.cacheMs ?? 250
  let cached: { at: number; value: Promise<Snapshot> } | undefined

  const snapshot = (): Promise<Snapshot> => {
    const now = Date.now()
    if (cached && now - cached.at < cacheMs) return cached.value
    const value = (async () => {
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
    })()
    cached = { at: now, value }
    value.catch(() => {
      if (cached?.value === value) cached = undefined
    })
    return value
  }

  const perQueue = (pick: (s: Snapshot, q: QueueName) => number) => async () => {
    const s = await snapshot()
    return QUEUE_NAMES.map((type) => ({ value: pick(s, type), labels: { type } }))
  }

  const splitKey = (key: string, names: string[]): Labels =>
    Object.fromEntries(key.split('|').map((part, i) => [names[i] ?? `l${i}`, part]))

  const metrics = [
    new RedisBackedMetric(METRIC_NAMES.enqueued, 'Total number of jobs enqueued', 'counter', perQueue((s, q) => s.stats[q].enqueued)),
    new RedisBackedMetric(METRIC_NAMES.failed, 'Total number of failed jobs', 'counter', perQueue((s, q) => s.stats[q].failed)),
    new RedisBackedMetric(METRIC_NAMES.completed, 'Total number of completed jobs', 'counter', perQueue((s, q) => s.stats[q].completed)),
    new RedisBackedMetric(METRIC_NAMES.inProgress, 'Number of jobs currently in progress', 'gauge', perQueue((s, q) => s.counts[q].active ?? 0)),
    new RedisBackedMetric(METRIC_NAMES.cards, 'Total number of flashcards generated', 'counter', perQueue((s, q) => s.stats[q].cards)),
    new RedisBackedMetric(METRIC_NAMES.workers, 'Workers with a fresh heartbeat', 'gauge', perQueue((s, q) => s.workers[q])),
    new RedisBackedMetric(METRIC_NAMES.queueDepth, 'Jobs in the queue by state', 'gauge', async () => {
      const s = await snapshot()
      return QUEUE_NAMES.flatMap((type) =>
        Object.entries(s.counts[type]).map(([state, value]) => ({ value, labels: { type, state } })),
      )
    }),
    new RedisBackedMetric(METRIC_NAMES.duration, 'Job duration in seconds', 'histogram', async () => {
      const s = await snapshot()
      const out: Sample[] = []
      for (const type of QUEUE_NAMES) {
        for (const status of ['SUCCESS', 'FAILED'] as JobOutcome[]) {
          const h = s.stats[type].duration[status]
          DURATION_BUCKETS.forEach((le, i) =>
            out.push({ metricName: `${METRIC_NAMES.duration}_bucket`, value: h.buckets[i]!, labels: { type, status, le } }),
          )
          out.push({ metricName: `${METRIC_NAMES.duration}_bucket`, value: h.count, labels: { type, status, le: '+Inf' } })
          out.push({ metricName: `${METRIC_NAMES.duration}_sum`, value: h.sum, labels: { type, status } })
          out.push({ metricName: `${METRIC_NAMES.duration}_count`, value: h.count, labels: { type, status } })
        }
      }
      return out
    }),
    new RedisBackedMetric(METRIC_NAMES.llmCalls, 'LLM provider calls by provider, stage and outcome (ok, error, cached)', 'counter', async () => {
      const s = await snapshot()
      return QUEUE_NAMES.flatMap((type) =>
        Object.entries(s.stats[type].llmCalls).map(([key, value]) => ({
          value,
          labels: { type, ...splitKey(key, ['provider', 'stage', 'outcome']) },
        })),
      )
    }),
    new RedisBackedMetric(METRIC_NAMES.llmTokens, 'LLM tokens by provider and direction (input, output)', 'counter', async () => {
      const s = await snapshot()
      return QUEUE_NAMES.flatMap((type) =>
        Object.entries(s.stats[type].llmTokens).map(([key, value]) => ({
          value,
          labels: { type, ...splitKey(key, ['provider', 'direction']) },
        })),
      )
    }),
  ]
  for (const metric of metrics) registry.registerMetric(metric as never)
  return () => {
    for (const metric of metrics) registry.removeSingleMetric(metric.name)
  }
}
