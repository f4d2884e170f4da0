import type { JobLogDocument } from '@flashcards/queue-core'
import type { JobLogRecorder } from './job-log-recorder.js'

/** Steps that end an attempt in the job log; an attempt without one never reached its end. */
const OUTCOME_STEPS = new Set(['job_complete', 'job_failed', 'waiting_children', 'rate_limited'])

/**
 * The previous attempt, when the log shows it started (its `job_start` is written as the attempt
 * opens) but never ended: its worker died or lost the job's lock mid-attempt (`kill -9`, OOM, a
 * node lost). Only the latest earlier attempt is looked at: an older lost one was reported by the
 * attempt after it.
 */
export function lostAttempt(previous: JobLogDocument | undefined, attempt: number): { attempt: number; startedAt: string; worker?: string } | undefined {
  const earlier = previous?.entries.filter((entry) => entry.attempt < attempt) ?? []
  const last = Math.max(0, ...earlier.map((entry) => entry.attempt))
  const entries = earlier.filter((entry) => entry.attempt === last)
  const start = entries.find((entry) => entry.step === 'job_start')
  if (!start || entries.some((entry) => OUTCOME_STEPS.has(entry.step))) return undefined
  const worker = start.data?.worker
  return { attempt: last, startedAt: start.timestamp, ...(typeof worker === 'string' ? { worker } : {}) }
}

/** Says in the job log that the previous attempt ended without an outcome, when it did. */
export function reportLostAttempt(log: JobLogRecorder, previous: JobLogDocument | undefined, attempt: number): void {
  const lost = lostAttempt(previous, attempt)
  if (!lost) return
  const where = lost.worker ? ` on worker ${lost.worker}` : ''
  log.warn(
    'attempt_lost',
    `Attempt ${lost.attempt} (started ${lost.startedAt}${where}) left no outcome: its worker stopped mid-attempt (killed, out of memory, or it lost the job's lock); this is attempt ${attempt}`,
    { lost_attempt: lost.attempt, ...(lost.worker ? { worker: lost.worker } : {}) },
  )
}
