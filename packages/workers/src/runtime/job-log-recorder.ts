import type { JobLogLevel, JobLogWriter } from '@flashcards/queue-core'
import type { Logger } from './logger.js'

/** What a processor uses to write its job's log: one entry per step, and raw stage outputs. */
export interface JobLogRecorder {
  entry(level: JobLogLevel, step: string, message: string, data?: Record<string, unknown>): void
  info(step: string, message: string, data?: Record<string, unknown>): void
  warn(step: string, message: string, data?: Record<string, unknown>): void
  /** Keeps a stage's raw output under `rawOutputs[key]` (e.g. `stageA`). */
  raw(key: string, value: unknown): void
}

/**
 * The processor's view of queue-core's JobLogWriter (which redacts, and merges attempts into one
 * document). Entries are mirrored to pino at debug level, so `DEBUG=true` shows them live.
 */
export function jobLogRecorder(writer: JobLogWriter, logger: Logger): JobLogRecorder {
  const entry = (level: JobLogLevel, step: string, message: string, data?: Record<string, unknown>) => {
    writer.entry(level, step, message, data)
    logger.debug({ step, ...(data ? { data } : {}) }, message)
  }
  return {
    entry,
    info: (step, message, data) => entry('info', step, message, data),
    warn: (step, message, data) => entry('warn', step, message, data),
    raw: (key, value) => writer.rawOutput(key, value),
  }
}
