import { hostname } from 'node:os'
import { FlashcardQueues, QUEUE_NAMES, type FlashcardConfig, type QueueName } from '@flashcards/queue-core'

/**
 * `flashcard-workers healthcheck <queue>`: exit 0 when a worker of that queue on this host has
 * sent a fresh heartbeat, 1 otherwise. Container and process-manager healthchecks call it; it
 * asks Redis, so it also fails when the worker cannot reach Redis.
 */
export async function healthcheck(queue: string | undefined, config: Readonly<FlashcardConfig>): Promise<number> {
  if (!queue || !(QUEUE_NAMES as readonly string[]).includes(queue)) {
    process.stderr.write(`healthcheck needs a queue: ${QUEUE_NAMES.join(' or ')}\n`)
    return 2
  }
  const queues = new FlashcardQueues({ connection: config.redis.url, queuePrefix: config.queue.prefix })
  try {
    await queues.ready()
    const host = `${hostname()}:`
    const alive = (await queues.aliveWorkers()).filter((w) => w.queue === (queue as QueueName) && w.id.startsWith(host))
    if (alive.length === 0) {
      process.stderr.write(`unhealthy: no fresh heartbeat from a ${queue} worker on ${hostname()}\n`)
      return 1
    }
    process.stdout.write(`healthy: ${alive.length} ${queue} worker(s) on ${hostname()}\n`)
    return 0
  } catch (err) {
    process.stderr.write(`unhealthy: ${(err as Error).message}\n`)
    return 1
  } finally {
    await queues.close()
  }
}
