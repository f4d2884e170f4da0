import { QueueEvents } from 'bullmq'
import type { FlashcardQueues, QueueName, RedisConnection } from '@flashcards/queue-core'
import { EventHubClosedError } from '../errors.js'

/** What happened to one job, as relayed to its event-stream subscribers. */
export type JobEvent = { type: 'progress'; data: unknown } | { type: 'completed' } | { type: 'failed'; reason: string } | { type: 'removed' }

export type JobEventListener = (event: JobEvent) => void

/**
 * One BullMQ QueueEvents per queue (each holds a blocking Redis connection), shared by every
 * event-stream request and fanned out to per-job listeners. Created on the first subscriber,
 * closed with the plugin.
 */
export class JobEventHub {
  private readonly streams = new Map<QueueName, Promise<QueueEvents>>()
  private readonly listeners = new Map<string, Set<JobEventListener>>()
  private readonly connections: RedisConnection[] = []
  private closed = false

  constructor(
    private readonly queues: FlashcardQueues,
    /** Opens a connection fit for blocking reads (worker role); the hub closes it. */
    private readonly connect: () => RedisConnection,
  ) {}

  /** Number of listeners currently attached, across all jobs. */
  get listenerCount(): number {
    let count = 0
    for (const set of this.listeners.values()) count += set.size
    return count
  }

  /**
   * Attaches a listener for one job. When the returned promise resolves, every event written
   * from then on reaches the listener, so a caller that reads the job's state afterwards misses
   * nothing. Returns the function that detaches it.
   */
  async subscribe(queue: QueueName, jobId: string, listener: JobEventListener): Promise<() => void> {
    if (this.closed) throw new EventHubClosedError()
    const key = `${queue}|${jobId}`
    let set = this.listeners.get(key)
    if (!set) {
      set = new Set()
      this.listeners.set(key, set)
    }
    set.add(listener)
    const unsubscribe = () => {
      const current = this.listeners.get(key)
      if (!current) return
      current.delete(listener)
      if (current.size === 0) this.listeners.delete(key)
    }
    try {
      await this.eventsFor(queue)
    } catch (err) {
      unsubscribe()
      throw err
    }
    return unsubscribe
  }

  private eventsFor(queue: QueueName): Promise<QueueEvents> {
    let events = this.streams.get(queue)
    if (!events) {
      events = this.open(queue)
      this.streams.set(queue, events)
      events.catch(() => {
        if (this.streams.get(queue) === events) this.streams.delete(queue)
      })
    }
    return events
  }

  private async open(queue: QueueName): Promise<QueueEvents> {
    // Read from just after the newest event that exists now. QueueEvents' default ('$') would
    // skip whatever is written between its start and its first blocking read, and a job that
    // finished in that gap would leave its stream open forever.
    const eventsKey = this.queues.queue(queue).toKey('events')
    const newest = await this.queues.connection.xrevrange(eventsKey, '+', '-', 'COUNT', 1)
    const lastEventId = newest[0]?.[0] ?? '0-0'
    const connection = this.connect()
    this.connections.push(connection)
    connection.on('error', () => {})
    const events = new QueueEvents(queue, { connection, prefix: this.queues.prefix, lastEventId })
    // Read errors are retried by BullMQ; subscribers notice nothing but a pause.
    events.on('error', () => {})
    events.on('progress', ({ jobId, data }) => this.emit(queue, jobId, { type: 'progress', data }))
    events.on('completed', ({ jobId }) => this.emit(queue, jobId, { type: 'completed' }))
    events.on('failed', ({ jobId, failedReason }) => this.emit(queue, jobId, { type: 'failed', reason: failedReason }))
    events.on('removed', ({ jobId }) => this.emit(queue, jobId, { type: 'removed' }))
    await events.waitUntilReady()
    return events
  }

  private emit(queue: QueueName, jobId: string, event: JobEvent): void {
    const set = this.listeners.get(`${queue}|${jobId}`)
    if (!set) return
    for (const listener of [...set]) listener(event)
  }

  async close(): Promise<void> {
    this.closed = true
    this.listeners.clear()
    const streams = [...this.streams.values()]
    this.streams.clear()
    await Promise.allSettled(streams.map(async (events) => (await events).close()))
    // A blocking read never answers QUIT in time; these connections carry nothing to flush.
    for (const connection of this.connections) connection.disconnect()
    this.connections.length = 0
  }
}
