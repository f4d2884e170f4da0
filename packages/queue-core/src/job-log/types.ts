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

/** Where job logs live (`LOG_STORE=local|s3`). Implementations redact before they write. */
export interface JobLogStore {
  readonly kind: 'local' | 's3'
  /** Writes the whole document atomically (readers never see half of it). */
  write(doc: JobLogDocument): Promise<void>
  read(jobId: string): Promise<JobLogDocument | undefined>
  /** A time-limited download link, for stores that have one (S3 presigned URL). */
  link?(jobId: string, expiresInSeconds: number): Promise<string | undefined>
  /**
   * Read-modify-write of one job's document, serialised with every other write of that job made
   * through this store object, so concurrent writers never lose each other's changes.
   * Returns the document as written (redacted).
   */
  update?(jobId: string, change: (current: JobLogDocument | undefined) => JobLogDocument): Promise<JobLogDocument>
  /** Releases what the store holds (the S3 client it created); the store is unusable afterwards. */
  close?(): Promise<void>
}
