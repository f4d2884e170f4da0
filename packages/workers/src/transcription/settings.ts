import { ConfigError } from '@flashcards/queue-core'
import { envInt } from '../env-int.js'

/** The transcription worker's own knobs, beside the runbook's variables that queue-core reads. */
export interface TranscriptionSettings {
  /** LOCAL_FILE_ROOT: the only folder local file paths may point into; unset disables local paths. */
  localRoot: string | undefined
  /** MAX_FILE_BYTES: largest file fetched (default 500 MiB). */
  maxFileBytes: number
  /** FILE_FETCH_TIMEOUT_MS: time allowed for one download (default 5 minutes). */
  fetchTimeoutMs: number
  /** Redirects followed per download. */
  maxRedirects: number
  /** OPENAI_TRANSCRIPTION_MODEL: model name sent to /audio/transcriptions (default whisper-1). */
  openaiTranscriptionModel: string
  /**
   * S3_ALLOWED_BUCKETS: the only buckets `s3://` file URLs may name (the worker's credentials may
   * reach others). Unset: the bucket of S3_BUCKET alone, or none when that is unset too.
   */
  s3AllowedBuckets: string[] | undefined
}

export const DEFAULT_TRANSCRIPTION_SETTINGS: Readonly<TranscriptionSettings> = Object.freeze({
  localRoot: undefined,
  maxFileBytes: 500 * 1024 * 1024,
  fetchTimeoutMs: 5 * 60_000,
  maxRedirects: 5,
  openaiTranscriptionModel: 'whisper-1',
  s3AllowedBuckets: undefined,
})

/** An S3 bucket name as AWS allows it: 3 to 63 lower-case letters, digits, dots and hyphens. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

function bucketList(raw: string | undefined, problems: string[]): string[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined
  const buckets = raw.split(',').map((name) => name.trim()).filter((name) => name !== '')
  const bad = buckets.filter((name) => !BUCKET_NAME.test(name))
  if (bad.length > 0) problems.push(`S3_ALLOWED_BUCKETS=${JSON.stringify(raw)} is invalid: ${bad.map((name) => JSON.stringify(name)).join(', ')} is not an S3 bucket name (comma-separated names expected)`)
  return buckets
}

/** Reads the settings from the environment; a bad value stops start-up with a message naming the variable. */
export function loadTranscriptionSettings(env: Record<string, string | undefined> = process.env): TranscriptionSettings {
  const problems: string[] = []
  const int = (name: string, fallback: number, min: number, max: number): number => envInt(env, name, { fallback, min, max }, problems)
  const settings: TranscriptionSettings = {
    localRoot: env.LOCAL_FILE_ROOT?.trim() || undefined,
    maxFileBytes: int('MAX_FILE_BYTES', DEFAULT_TRANSCRIPTION_SETTINGS.maxFileBytes, 1, 20 * 1024 ** 3),
    fetchTimeoutMs: int('FILE_FETCH_TIMEOUT_MS', DEFAULT_TRANSCRIPTION_SETTINGS.fetchTimeoutMs, 100, 24 * 3_600_000),
    maxRedirects: DEFAULT_TRANSCRIPTION_SETTINGS.maxRedirects,
    openaiTranscriptionModel: env.OPENAI_TRANSCRIPTION_MODEL?.trim() || DEFAULT_TRANSCRIPTION_SETTINGS.openaiTranscriptionModel,
    s3AllowedBuckets: bucketList(env.S3_ALLOWED_BUCKETS, problems),
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return settings
}
