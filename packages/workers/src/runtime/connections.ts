import { closeRedis, createRedis, FlashcardQueues, type FlashcardConfig, type QueueName, type RedisConnection } from '@flashcards/queue-core'
import type { Logger } from './logger.js'
import { createOutageLog, type OutageLog } from './outage-log.js'

/** The three Redis connections a worker needs, and the queue client on the command one. */
export interface WorkerConnections {
  /** BullMQ's blocking connection. */
  worker: RedisConnection
  /** Commands: the queue client, stats, caches. */
  commands: RedisConnection
  /** Subscriber mode for cancel requests (it blocks other commands). */
  subscriber: RedisConnection
  queues: FlashcardQueues
  /** Where this worker's Redis errors go: one line a minute during an outage. */
  outage: OutageLog
  close(): Promise<void>
}

/** A worker-side Redis connection whose errors and recovery go to `outage`, never unhandled. */
export function watchedRedis(config: Readonly<FlashcardConfig>, connectionName: string, outage: OutageLog): RedisConnection {
  const connection = createRedis(config.redis.url, { role: 'worker', connectionName })
  connection.on('error', (err: Error) => outage.error(err, { connection: connectionName }))
  connection.on('ready', () => outage.recovered({ connection: connectionName }))
  return connection
}

export function openConnections(config: Readonly<FlashcardConfig>, queue: QueueName, logger: Logger): WorkerConnections {
  const outage = createOutageLog(logger, 'redis unavailable')
  const open = (role: string): RedisConnection => watchedRedis(config, `flashcard-${queue}-${role}`, outage)
  const worker = open('worker')
  const commands = open('commands')
  const subscriber = open('cancel-subscriber')
  // The jobs a worker adds (a course's modules, a transcribed module's generation) keep the same retention as the API's.
  const queues = new FlashcardQueues({
    connection: commands,
    queuePrefix: config.queue.prefix,
    jobAttempts: config.queue.jobAttempts,
    retention: config.queue.retention,
    // MAX_QUEUE_DEPTH is the API's answer to clients; work a worker adds was accepted already.
    maxQueueDepth: 0,
  })
  // Said once, at error level, when this process notices that Redis came back without its data.
  const stopWatching = queues.onDataLoss((loss) => logger.error({ epoch_written_at: loss.epochWrittenAt, detected_at: loss.detectedAt }, loss.reason))
  return {
    worker,
    commands,
    subscriber,
    queues,
    outage,
    close: async () => {
      stopWatching()
      await queues.close()
      await Promise.all([closeRedis(subscriber), closeRedis(commands), closeRedis(worker)])
    },
  }
}
