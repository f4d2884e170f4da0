import type { Logger } from './logger.js'
import type { QueueWorker } from './types.js'

export interface ShutdownOptions {
  logger: Logger
  /** Longest wait for in-flight jobs after the first signal. */
  deadlineMs: number
  /** Replaced in tests; `process.exit` in production. */
  exit?: (code: number) => void
}

/**
 * SIGTERM/SIGINT: stop taking jobs and let in-flight ones finish, then exit 0. If they are still
 * running at the deadline, or a second signal arrives, exit 1 at once: the jobs keep their locks
 * until those expire, and stalled-job recovery runs them again on a live worker, so none is lost.
 */
export function installShutdown(workers: QueueWorker[], options: ShutdownOptions): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code))
  const { logger } = options
  let stopping = false

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now; in-flight jobs will be recovered as stalled')
      exit(1)
      return
    }
    stopping = true
    logger.info({ signal, deadlineMs: options.deadlineMs }, 'shutting down: finishing in-flight jobs')
    const deadline = setTimeout(() => {
      logger.error({ deadlineMs: options.deadlineMs }, 'shutdown deadline passed; in-flight jobs will be recovered as stalled')
      for (const worker of workers) worker.abortInFlight('shutdown deadline')
      exit(1)
    }, options.deadlineMs)
    deadline.unref()
    Promise.all(workers.map((worker) => worker.close()))
      .then(() => {
        clearTimeout(deadline)
        logger.info('shutdown complete')
        exit(0)
      })
      .catch((err: Error) => {
        logger.error({ err: err.message }, 'error while shutting down')
        exit(1)
      })
  }

  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
  return () => {
    process.off('SIGTERM', onSignal)
    process.off('SIGINT', onSignal)
  }
}
