import { closeRedis, createRedis, FlashcardQueues, type FlashcardConfig, type QueueName, type RedisConnection } from '@flashcards/queue-core'
import type { Logger } from './logger.js'

/** The three Redis connections a worker needs, and the queue client on the command one. */
export interface WorkerConnections {
  /** BullMQ's blocking connection. */
  worker: RedisConnection
  /** Commands: the queue client, stats, caches. */
  commands: RedisConnection
  /** Subscriber mode for cancel requests (it blocks other commands). */
  subscriber: RedisConnection
  queues: FlashcardQueues
  close(): Promise<void>
}

export function openConnections(config: Readonly<FlashcardConfig>, queue: QueueName, logger: Logger): WorkerConnections {
  const open = (role: string): RedisConnection => {
    const connection = createRedis(config.redisUrl, { role: 'worker', connectionName: `flashcard-${queue}-${role}` })
    connection.on('error', (err: Error) => logger.warn({ err: err.message, connection: role }, 'redis connection error'))
    return connection
  }
  const worker = open('worker')
  const commands = open('commands')
  const subscriber = open('cancel-subscriber')
  const queues = new FlashcardQueues({ connection: commands, queuePrefix: config.queuePrefix, jobAttempts: config.jobAttempts })
  return {
    worker,
    commands,
    subscriber,
    queues,
    close: async () => {
      await queues.close()
      await Promise.all([closeRedis(subscriber), closeRedis(commands), closeRedis(worker)])
    },
  }
}
