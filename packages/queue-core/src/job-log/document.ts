import { Compile } from 'typebox/compile'
import { FlashcardError, JobLogCorruptError } from '../errors.js'
import { redact } from './redact.js'
import { JobLogDocumentSchema } from './schema.js'
import type { JobLogDocument, JobLogWriteOptions } from './types.js'

/** Job ids the stores accept: the queue client's ids (UUIDs, BullMQ custom ids); never a path. */
export const JOB_LOG_ID_PATTERN = /^[\w-]{1,128}$/

/** Throws a VALIDATION_ERROR unless `jobId` is safe as a file name and an S3 key part. */
export function assertJobLogId(jobId: unknown): asserts jobId is string {
  if (typeof jobId === 'string' && JOB_LOG_ID_PATTERN.test(jobId)) return
  const shown = typeof jobId === 'string' ? JSON.stringify(jobId.slice(0, 80)) : typeof jobId
  throw new FlashcardError('VALIDATION_ERROR', `Invalid job id ${shown}: expected 1 to 128 letters, digits, "_" or "-"`)
}

const validator = Compile(JobLogDocumentSchema)

function problems(value: unknown): string {
  return validator
    .Errors(value)
    .slice(0, 5)
    .map((error) => `${error.instancePath || '/'} ${error.message}`)
    .join('; ')
}

/**
 * The bytes a store writes: the document redacted (unless the caller says it already is), checked
 * against the schema, as indented JSON. A document that is not a job log is refused with a
 * VALIDATION_ERROR before anything is written.
 */
export function serializeJobLog(doc: JobLogDocument, options: JobLogWriteOptions = {}): string {
  assertJobLogId(doc?.jobId)
  const safe = options.redacted === true ? doc : redact(doc)
  if (!validator.Check(safe)) {
    throw new FlashcardError('VALIDATION_ERROR', `Invalid job log for job ${doc.jobId}: ${problems(safe)}`)
  }
  return `${stringify(safe)}\n`
}

// Without a replacer first: JSON.stringify is several times faster without one, and only a
// bigint needs it (a TypeError then, as for nothing else: the document is redacted, so acyclic).
function stringify(doc: unknown): string {
  try {
    return JSON.stringify(doc, null, 2)
  } catch (err) {
    if (!(err instanceof TypeError)) throw err
    return JSON.stringify(doc, bigintAsString, 2)
  }
}

// Counters from SDKs (token usage, byte sizes) may be bigints, which JSON.stringify refuses.
function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}

/** Parses stored bytes; throws {@link JobLogCorruptError} naming the location and the problem. */
export function parseJobLog(text: string, jobId: string, location: string): JobLogDocument {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new JobLogCorruptError(jobId, location, `not JSON (${(err as Error).message})`)
  }
  if (!validator.Check(value)) throw new JobLogCorruptError(jobId, location, problems(value))
  if (value.jobId !== jobId) throw new JobLogCorruptError(jobId, location, `it belongs to job ${JSON.stringify(value.jobId)}`)
  return value
}

/**
 * Folds one attempt's document into what is stored: entries of other attempts are kept, this
 * attempt's are replaced (so re-running an attempt never duplicates them), and the job-level fields
 * (status, result, error, rawOutputs…) follow the latest attempt — a stale earlier attempt that
 * finishes late cannot overwrite a newer one.
 */
export function mergeAttempt(stored: JobLogDocument | undefined, update: JobLogDocument): JobLogDocument {
  if (stored === undefined) return update
  const others = stored.entries.filter((entry) => entry.attempt !== update.attempt)
  const entries = [...others, ...update.entries]
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => a.entry.attempt - b.entry.attempt || a.index - b.index)
    .map(({ entry }) => entry)
  const latest = update.attempt >= stored.attempt ? update : stored
  const startedAt = stored.startedAt < update.startedAt ? stored.startedAt : update.startedAt
  return {
    ...latest,
    startedAt,
    entries,
    rawOutputs: latest === update ? { ...stored.rawOutputs, ...update.rawOutputs } : { ...update.rawOutputs, ...stored.rawOutputs },
  }
}
