import { JobLogCorruptError } from '../errors.js'
import { mergeAttempt, assertJobLogId } from './document.js'
import { openLogsOf, type OpenJobLogs } from './open-logs.js'
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
  /**
   * The caller knows this is the job's first run (BullMQ: no attempt made or started before), so
   * there is no stored log to merge with: `open` does not read the store. A file left by an
   * unrelated job of the same id is replaced, as a first run's log is anyway.
   */
  fresh?: boolean
}

export const DEFAULT_MAX_ENTRIES = 1_000

/**
 * Records one attempt of one job in memory and writes it into the job's log document when asked
 * (`flush`, `finish`): one store write each, no re-read of the stored log. Entries of earlier
 * attempts (read once, by `open`) stay; writing the same attempt again (a stalled job re-running
 * it) replaces that attempt's entries instead of duplicating them. Every value is redacted once,
 * when recorded; the store is told so and does not redact it again.
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
  /** The job's names as written: redacted once, here, since the store does not redact again. */
  private readonly identity: Pick<JobLogDocument, 'module_id' | 'course_id' | 'tenant'>
  private closed = false

  private constructor(
    readonly store: JobLogStore,
    readonly target: Readonly<JobLogTarget>,
    /** The document as it was when the attempt started (earlier attempts' entries), if any. */
    readonly previous: JobLogDocument | undefined,
    private readonly open: OpenJobLogs,
    options: JobLogWriterOptions,
  ) {
    this.now = options.now ?? (() => new Date())
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES
    this.startedAt = this.now().toISOString()
    this.identity = redact({ module_id: target.module_id ?? null, course_id: target.course_id ?? null, tenant: target.tenant }) as typeof this.identity
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
    // Joined before the read, so a writer of the same job finishing meanwhile keeps its document here.
    const open = openLogsOf(store)
    open.join(target.jobId)
    let previous: JobLogDocument | undefined
    let unreadable: string | undefined
    try {
      previous = options.fresh === true ? undefined : await store.read(target.jobId)
    } catch (err) {
      if (!(err instanceof JobLogCorruptError)) {
        open.leave(target.jobId)
        throw err
      }
      unreadable = err.message
    }
    const writer = new JobLogWriter(store, { ...target }, previous, open, options)
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
    // Redacted under its name, so an output named like a secret (`api_key`) is hidden whole, as in the document.
    this.rawOutputs[name] = (redact({ [name]: value }) as Record<string, unknown>)[name]
  }

  /**
   * Writes what is recorded so far with status `running`, so a long job's log can be read while it
   * runs. `durable: false` for a write the attempt will rewrite (see {@link JobLogWriteOptions}).
   */
  async flush(options: { durable?: boolean } = {}): Promise<JobLogDocument> {
    return this.save('running', null, null, undefined, options.durable !== false)
  }

  /**
   * Writes the attempt's final document: `status`, `completedAt`, the redacted `result` and
   * `error` (its message), and closes the writer. Returns the document as stored.
   */
  async finish(status: 'completed' | 'failed', outcome: { result?: unknown; error?: unknown } = {}): Promise<JobLogDocument> {
    const error = outcome.error === undefined || outcome.error === null ? null : messageOf(outcome.error)
    try {
      return await this.save(status, this.now().toISOString(), error, outcome.result)
    } finally {
      this.close()
    }
  }

  /** Ends the attempt without writing (its last write was a `flush`); idempotent. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.open.leave(this.target.jobId)
  }

  private async save(status: JobLogDocument['status'], completedAt: string | null, error: string | null, result: unknown = null, durable = true): Promise<JobLogDocument> {
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
      ...this.identity,
      startedAt: this.previous?.startedAt ?? this.startedAt,
      completedAt,
      status,
      entries,
      rawOutputs: { ...this.rawOutputs },
      result: result === undefined ? null : redact(result),
      attempt: this.target.attempt,
      queue: this.target.queue,
      error,
    }
    // Merged in memory, synchronously, so writers of one job in this process merge in call order;
    // an unreadable stored log (open() recorded why) is simply replaced by this attempt's.
    const merged = mergeAttempt(this.open.latest(doc.jobId) ?? this.previous, doc)
    this.open.record(merged)
    await this.store.write(merged, { redacted: true, ...(durable ? {} : { durable: false }) })
    return merged
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return redactText(`${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`)
  return redactText(typeof error === 'string' ? error : (JSON.stringify(redact(error)) ?? String(error)))
}
