import type { RedisConnection } from './redis.js'
import { auxKey, type QueueName } from './queues.js'

/** How long a cancel request is remembered, so a retry that starts later still sees it. */
const CANCEL_TTL_SECONDS = 24 * 3600

/**
 * Cancel requests for running jobs. BullMQ can abort a processor only inside the worker process
 * that runs it (`worker.cancelJob`), so the API publishes the request and every worker of the
 * queue listens; a key also records it for an attempt that has not started yet.
 */
export class CancelRequests {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
  ) {}

  channel(queue: QueueName): string {
    return auxKey(this.prefix, queue, 'cancel')
  }

  private key(queue: QueueName, jobId: string): string {
    return auxKey(this.prefix, queue, `cancelled:${jobId}`)
  }

  async request(queue: QueueName, jobId: string): Promise<void> {
    await this.redis.set(this.key(queue, jobId), '1', 'EX', CANCEL_TTL_SECONDS)
    await this.redis.publish(this.channel(queue), jobId)
  }

  async isRequested(queue: QueueName, jobId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(queue, jobId))) === 1
  }

  async clear(queue: QueueName, jobId: string): Promise<void> {
    await this.redis.del(this.key(queue, jobId))
  }

  /**
   * Calls `onCancel(jobId)` for each request on the queue. `subscriber` must be a connection of
   * its own (subscriber mode blocks other commands); it is left open for the caller to close.
   */
  async listen(subscriber: RedisConnection, queue: QueueName, onCancel: (jobId: string) => void): Promise<() => Promise<void>> {
    const channel = this.channel(queue)
    const handler = (ch: string, message: string) => {
      if (ch === channel) onCancel(message)
    }
    subscriber.on('message', handler)
    await subscriber.subscribe(channel)
    return async () => {
      subscriber.off('message', handler)
      if (subscriber.status === 'ready') await subscriber.unsubscribe(channel)
    }
  }
}
