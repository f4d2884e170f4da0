import type { JobLogDocument, JobLogEntry, JobLogLevel, JobLogStore, QueueName } from '@flashcards/queue-core'
import type { Logger } from './logger.js'

/** What a processor uses to write its job's log: one entry per step, and raw stage outputs. */
export interface JobLogRecorder {
  entry(level: JobLogLevel, step: string, message: string, data?: Record<string, unknown>): void
  info(step: string, message: string, data?: Record<string, unknown>): void
  warn(step: string, message: string, data?: Record<string, unknown>): void
  /** Keeps a stage's raw output under `rawOutputs[key]` (e.g. `stageA`). */
  raw(key: string, value: unknown): void
}

export interface AttemptIdentity {
  jobId: string
  queue: QueueName
  attempt: number
  module_id: string | null
  course_id: string | null
  tenant: string
}

/**
 * Collects one attempt's entries in memory and writes the job's document once, at the end of the
 * attempt, through the configured store. Entries of earlier attempts are read back and kept, so
 * a retried job shows its whole history in one document. Entries are mirrored to pino at debug
 * level so `DEBUG=true` shows them live.
 */
export class AttemptLog implements JobLogRecorder {
  private readonly entries: JobLogEntry[] = []
  private readonly rawOutputs: Record<string, unknown> = {}
  private readonly startedAt = new Date().toISOString()

  constructor(
    private readonly identity: AttemptIdentity,
    private readonly logger: Logger,
  ) {}

  entry(level: JobLogLevel, step: string, message: string, data?: Record<string, unknown>): void {
    this.entries.push({
      timestamp: new Date().toISOString(),
      level,
      step,
      message,
      attempt: this.identity.attempt,
      ...(data ? { data } : {}),
    })
    this.logger.debug({ step, ...(data ? { data } : {}) }, message)
  }

  info(step: string, message: string, data?: Record<string, unknown>): void {
    this.entry('info', step, message, data)
  }

  warn(step: string, message: string, data?: Record<string, unknown>): void {
    this.entry('warn', step, message, data)
  }

  raw(key: string, value: unknown): void {
    this.rawOutputs[key] = value
  }

  /** The document after this attempt, merged onto what earlier attempts wrote. */
  document(previous: JobLogDocument | undefined, outcome: AttemptOutcome): JobLogDocument {
    const { jobId, queue, attempt, module_id, course_id, tenant } = this.identity
    const finished = outcome.status !== 'running'
    return {
      jobId,
      queue,
      module_id,
      course_id,
      tenant,
      attempt,
      startedAt: previous?.startedAt ?? this.startedAt,
      completedAt: finished ? new Date().toISOString() : null,
      status: outcome.status,
      entries: [...(previous?.entries ?? []), ...this.entries],
      rawOutputs: { ...(previous?.rawOutputs ?? {}), ...this.rawOutputs },
      result: outcome.result ?? null,
      error: outcome.error ?? null,
    }
  }

  /** Writes the document; a failing store is logged, never allowed to fail the job. */
  async write(store: JobLogStore | undefined, outcome: AttemptOutcome): Promise<void> {
    if (!store) return
    try {
      const previous = await store.read(this.identity.jobId)
      await store.write(this.document(previous, outcome))
    } catch (err) {
      this.logger.error({ err }, 'could not write the job log')
    }
  }
}

export interface AttemptOutcome {
  /** `running` when the job goes back to the queue (rate limited) and will run again. */
  status: JobLogDocument['status']
  result?: unknown
  error?: string
}
