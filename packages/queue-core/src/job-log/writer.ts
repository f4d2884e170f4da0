import { JobLogCorruptError } from '../errors.js'
import { mergeAttempt, assertJobLogId } from './document.js'
import { redact, redactText } from './redact.js'
import type { JobLogDocument, JobLogEntry, JobLogLevel, JobLogStore } from './types.js'

/** Which job and attempt a writer records. */
export interface JobLogTarget {
  jobId: string
  queue: JobLogDocument['queue']
  module_id?: string | null
  course_id?: string | null
  tenant: string
  /** 1-based attempt number: `job.attemptsMade + 1` inside a BullMQ processor. */
  attempt: number
}

export interface JobLogWriterOptions {
  /** Entries kept per attempt; later ones are counted and summarised in one final entry. Default 1,000. */
  maxEntries?: number
  /** Clock, for tests. */
  now?: () => Date
}

export const DEFAULT_MAX_ENTRIES = 1_000

/**
 * Records one attempt of one job and writes it into the job's log document. Entries of earlier
 * attempts stay; writing the same attempt again (a stalled job re-running it) replaces that
 * attempt's entries instead of duplicating them. Everything is redacted when recorded and again
 * when written.
 *
 * @example
 *   const log = await JobLogWriter.open(store, { jobId: job.id!, queue: 'orchestrator', module_id, course_id, tenant, attempt: job.attemptsMade + 1 })
 *   log.entry('info', 'job_start', `Job started for module ${module_id}`)
 *   log.rawOutput('stageA', concepts)
 *   await log.finish('completed', { result })
 */
export class JobLogWriter {
  private readonly entries: JobLogEntry[] = []
  private readonly rawOutputs: Record<string, unknown> = {}
  private dropped = 0
  private readonly startedAt: string
  private readonly maxEntries: number
  private readonly now: () => Date

  private constructor(
    readonly store: JobLogStore,
    readonly target: Readonly<JobLogTarget>,
    /** The document as it was when the attempt started (earlier attempts' entries), if any. */
    readonly previous: JobLogDocument | undefined,
    options: JobLogWriterOptions,
  ) {
    this.now = options.now ?? (() => new Date())
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES
    this.startedAt = this.now().toISOString()
  }

  /**
   * Reads the job's existing log (a log that cannot be parsed is replaced, with a warning entry
   * saying why) and starts recording `target.attempt`. Store errors (S3 unreachable) propagate.
   */
  static async open(store: JobLogStore, target: JobLogTarget, options: JobLogWriterOptions = {}): Promise<JobLogWriter> {
    assertJobLogId(target.jobId)
    if (!Number.isInteger(target.attempt) || target.attempt < 1) {
      throw new TypeError(`Job log attempt must be an integer >= 1, got ${String(target.attempt)}`)
    }
    if (options.maxEntries !== undefined && !(Number.isInteger(options.maxEntries) && options.maxEntries >= 1)) {
      throw new TypeError(`maxEntries must be an integer >= 1, got ${String(options.maxEntries)}`)
    }
    let previous: JobLogDocument | undefined
    let unreadable: string | undefined
    try {
      previous = await store.read(target.jobId)
    } catch (err) {
      if (!(err instanceof JobLogCorruptError)) throw err
      unreadable = err.message
    }
    const writer = new JobLogWriter(store, { ...target }, previous, options)
    if (unreadable !== undefined) writer.entry('warn', 'log_recovered', `${unreadable}; it is replaced by this attempt's log`)
    return writer
  }

  /** Records one entry. `data` holds small structured facts (counts, token usage), redacted. */
  entry(level: JobLogLevel, step: string, message: string, data?: Record<string, unknown>): void {
    if (this.entries.length >= this.maxEntries) {
      this.dropped++
      return
    }
    const entry: JobLogEntry = {
      timestamp: this.now().toISOString(),
      level,
      step,
      message: redactText(message),
      attempt: this.target.attempt,
    }
    if (data !== undefined) entry.data = redact(data) as Record<string, unknown>
    this.entries.push(entry)
  }

  /** Keeps a stage's raw output (`stageA`, `stageB`, an LLM answer), redacted; the last value per name wins. */
  rawOutput(name: string, value: unknown): void {
    this.rawOutputs[name] = redact(value)
  }

  /** Writes what is recorded so far with status `running`, so a long job's log can be read while it runs. */
  async flush(): Promise<JobLogDocument> {
    return this.save('running', null, null)
  }

  /**
   * Writes the attempt's final document: `status`, `completedAt`, the redacted `result` and
   * `error` (its message). Returns the document as stored.
   */
  async finish(status: 'completed' | 'failed', outcome: { result?: unknown; error?: unknown } = {}): Promise<JobLogDocument> {
    const error = outcome.error === undefined || outcome.error === null ? null : messageOf(outcome.error)
    return this.save(status, this.now().toISOString(), error, outcome.result)
  }

  private async save(
    status: JobLogDocument['status'],
    completedAt: string | null,
    error: string | null,
    result: unknown = null,
  ): Promise<JobLogDocument> {
    const entries = [...this.entries]
    if (this.dropped > 0) {
      entries.push({
        timestamp: this.now().toISOString(),
        level: 'warn',
        step: 'log_truncated',
        message: `${this.dropped} more entries of attempt ${this.target.attempt} were dropped (limit ${this.maxEntries})`,
        attempt: this.target.attempt,
      })
    }
    const doc: JobLogDocument = {
      jobId: this.target.jobId,
      module_id: this.target.module_id ?? null,
      startedAt: this.previous?.startedAt ?? this.startedAt,
      completedAt,
      status,
      entries,
      rawOutputs: { ...this.rawOutputs },
      result: result === undefined ? null : redact(result),
      attempt: this.target.attempt,
      queue: this.target.queue,
      course_id: this.target.course_id ?? null,
      tenant: this.target.tenant,
      error,
    }
    const change = (current: JobLogDocument | undefined) => mergeAttempt(current, doc)
    try {
      if (this.store.update) return await this.store.update(doc.jobId, change)
      const merged = change(await this.store.read(doc.jobId))
      await this.store.write(merged)
      return merged
    } catch (err) {
      // The stored log is unreadable (open() recorded why): this attempt's log replaces it.
      if (!(err instanceof JobLogCorruptError)) throw err
      await this.store.write(doc)
      return doc
    }
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return redactText(`${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`)
  return redactText(typeof error === 'string' ? error : JSON.stringify(redact(error)) ?? String(error))
}
