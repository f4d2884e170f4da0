import type { Queue } from 'bullmq'
import { FlashcardError } from '../errors.js'
import type { QueueName } from '../queues.js'

type Cached = { count: number; readAt: number } | Promise<number>

/**
 * MAX_QUEUE_DEPTH: refuses work once a queue's backlog (waiting + delayed) would pass the limit.
 * The backlog is read from Redis, or reused for `cacheMs` (one read shared by concurrent callers).
 */
export class QueueCapacity {
  private readonly cache = new Map<QueueName, Cached>()

  constructor(
    private readonly queues: Record<QueueName, Queue>,
    private readonly maxDepth: number,
    private readonly cacheMs: number,
  ) {}

  /** Throws QUEUE_FULL when adding `adding` jobs to `queue` would pass the limit. */
  async ensure(queue: QueueName, adding: number): Promise<void> {
    if (this.maxDepth <= 0) return
    const backlog = await this.backlog(queue)
    if (backlog + adding > this.maxDepth) {
      throw new FlashcardError('QUEUE_FULL', `The ${queue} queue holds ${backlog} waiting jobs (limit ${this.maxDepth}); try again later`, {
        retryAfterSeconds: 30,
        details: { backlog, limit: this.maxDepth },
      })
    }
  }

  /** Jobs this client added: counted on top of a cached read until the window ends. */
  added(queue: QueueName, count = 1): void {
    const cached = this.cache.get(queue)
    if (cached && !(cached instanceof Promise)) cached.count += count
  }

  /** The backlog changed in a way this client cannot count (cancel, retry): read it again next time. */
  forget(queue: QueueName): void {
    this.cache.delete(queue)
  }

  private async backlog(queue: QueueName): Promise<number> {
    const read = () => this.queues[queue].getJobCountByTypes('waiting', 'prioritized', 'delayed')
    if (this.cacheMs <= 0) return read()
    const cached = this.cache.get(queue)
    if (cached instanceof Promise) return cached
    if (cached && Date.now() - cached.readAt < this.cacheMs) return cached.count
    const reading = read().then(
      (count) => {
        if (this.cache.get(queue) === reading) this.cache.set(queue, { count, readAt: Date.now() })
        return count
      },
      (err: unknown) => {
        if (this.cache.get(queue) === reading) this.cache.delete(queue)
        throw err
      },
    )
    this.cache.set(queue, reading)
    return reading
  }
}
