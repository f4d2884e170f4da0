import type { Job } from 'bullmq'
import type { JobLogRecorder } from './job-log-recorder.js'
import type { Logger } from './logger.js'
import { ProgressThrottle } from './progress-throttle.js'

/** The context's `progress`: a job-log entry and a coalesced `job.updateProgress`, plus the flush the attempt ends with. */
export interface ProgressReporter {
  report: (percent: number, step: string, message: string, extra?: Record<string, unknown>) => Promise<void>
  flush: () => Promise<void>
}

export function progressReporter(job: Job, log: JobLogRecorder, logger: Logger, startedAt: number): ProgressReporter {
  const throttle = new ProgressThrottle({
    send: (value) => job.updateProgress(value as object),
    onError: (err) => logger.warn({ err: err.message }, 'could not update the job progress'),
    startedAt,
  })
  const report = async (percent: number, step: string, message: string, extra?: Record<string, unknown>) => {
    log.info(step, message, extra)
    const value = Math.round(Math.max(0, Math.min(100, percent)))
    await throttle.report({ percent: value, step, message }, value === 100)
  }
  return { report, flush: () => throttle.flush() }
}
