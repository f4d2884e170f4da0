import type { Logger } from './logger.js'

/** How often a lasting failure is logged again. */
export const OUTAGE_LOG_INTERVAL_MS = 60_000

export interface OutageLog {
  /** A failure: logged at once when it is the first, then at most once per interval, with how many were left out. */
  error(err: Error, fields?: Record<string, unknown>): void
  /** The dependency answers again: one line, if a failure was logged. */
  recovered(fields?: Record<string, unknown>): void
}

/**
 * Errors of a dependency that is down (Redis during an outage) the way an operator wants them:
 * every connection and worker of the process reports to one log, so an outage is one line a
 * minute, not several every retry, and its end is one line too.
 */
export function createOutageLog(logger: Logger, message: string, intervalMs = OUTAGE_LOG_INTERVAL_MS, now = Date.now): OutageLog {
  let failing = false
  let lastLogged = 0
  let leftOut = 0
  return {
    error(err, fields = {}) {
      if (failing && now() - lastLogged < intervalMs) {
        leftOut++
        return
      }
      logger.error({ ...fields, err: err.message, ...(leftOut > 0 ? { repeated: leftOut } : {}) }, message)
      failing = true
      lastLogged = now()
      leftOut = 0
    },
    recovered(fields = {}) {
      if (!failing) return
      logger.info({ ...fields, ...(leftOut > 0 ? { repeated: leftOut } : {}) }, `${message}: recovered`)
      failing = false
      leftOut = 0
    },
  }
}
