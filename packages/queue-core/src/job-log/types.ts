export type JobLogLevel = 'debug' | 'info' | 'warn' | 'error'

/** One line of a job's log: what step ran and what happened. */
export interface JobLogEntry {
  timestamp: string
  level: JobLogLevel
  step: string
  message: string
  /** The attempt (1-based) the entry was written in. */
  attempt: number
  /** Small structured facts about the step (counts, token usage); redacted before writing. */
  data?: Record<string, unknown>
}

export type JobLogStatus = 'running' | 'completed' | 'failed'

/**
 * The runbook's per-job JSON log: one document per job, rewritten at the end of every attempt.
 * Entries of earlier attempts are kept, so a retried job shows its whole history.
 */
export interface JobLogDocument {
  jobId: string
  queue: 'orchestrator' | 'transcription'
  module_id: string | null
  course_id: string | null
  /** Tenant that owns the job; the API serves the log to that tenant only. */
  tenant: string
  /** Attempt number (1-based) of the latest write. */
  attempt: number
  startedAt: string
  completedAt: string | null
  status: JobLogStatus
  entries: JobLogEntry[]
  /** Raw stage outputs kept for debugging, e.g. `stageA`, `stageB`. */
  rawOutputs: Record<string, unknown>
  result: unknown
  error: string | null
}

export interface JobLogWriteOptions {
  /** Every value of the document is already redacted (JobLogWriter redacts as it records): not redacted again. */
  redacted?: boolean
  /**
   * Default true: the write survives a power cut once it resolves (the local store fsyncs the file
   * before the rename). `false` for a write the attempt supersedes anyway (its start): it still
   * survives the worker's own crash, since the page cache outlives the process, only not the
   * machine's. Stores that are durable by nature (S3) ignore it.
   */
  durable?: boolean
}

/** Where job logs live (`LOG_STORE=local|s3`). Implementations redact before they write. */
export interface JobLogStore {
  readonly kind: 'local' | 's3'
  /** Writes the whole document atomically (readers never see half of it), in one store write. */
  write(doc: JobLogDocument, options?: JobLogWriteOptions): Promise<void>
  read(jobId: string): Promise<JobLogDocument | undefined>
  /** A time-limited download link, for stores that have one (S3 presigned URL). */
  link?(jobId: string, expiresInSeconds: number): Promise<string | undefined>
  /** Releases what the store holds (the S3 client it created); the store is unusable afterwards. */
  close?(): Promise<void>
}
