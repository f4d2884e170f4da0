import { HEARTBEAT_INTERVAL_MS, type QueueName, type WorkerQueues } from '@flashcards/queue-core'
import type { Logger } from './logger.js'

/** Beats now and every `intervalMs`, so the API's health knows this worker is alive. Returns the stop. */
export async function startHeartbeat(queues: WorkerQueues, queue: QueueName, id: string, logger: Logger, intervalMs = HEARTBEAT_INTERVAL_MS): Promise<() => Promise<void>> {
  const beat = () => queues.beat(queue, id).catch((err: Error) => logger.warn({ err: err.message }, 'heartbeat failed'))
  await beat()
  const timer = setInterval(() => void beat(), intervalMs)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await queues.removeHeartbeat(queue, id).catch(() => {})
  }
}
