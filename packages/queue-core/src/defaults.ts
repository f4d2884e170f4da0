/**
 * The defaults and bounds shared by the environment (`config/`), the plugin's options and the
 * workers' CLI: each value is written here once, so the API and the workers cannot disagree.
 */

/** An integer setting: its default and the range it must fall in. */
export interface IntRange {
  default: number
  min: number
  max: number
}

const HOUR_MS = 3_600_000

/** QUEUE_PREFIX: the Redis key prefix the API and the workers must share. */
export const QUEUE_PREFIX_RULE = {
  default: 'flashcard',
  pattern: /^[\w.{}-]{1,64}$/,
  allowed: '1 to 64 characters among letters, digits, _ . - { }',
} as const

export const DEFAULTS = {
  /** The runbook's job-log location, relative to the working directory (LOG_DIR). */
  logDir: 'server/tmp/logs',
  /** Model sent to an OpenAI-compatible /audio/transcriptions (OPENAI_TRANSCRIPTION_MODEL). */
  openaiTranscriptionModel: 'whisper-1',
  geminiModel: 'gemini-2.5-flash',
  redisUrl: 'redis://localhost:6379',
  contentDir: 'content',
  /** Redirects one file download follows. */
  maxRedirects: 5,
} as const

/** Integer settings with the same meaning in the environment and in the plugin's options. */
export const INT_SETTINGS = {
  jobAttempts: { default: 3, min: 1, max: 100 },
  /** Backlog (waiting + delayed jobs) per queue above which enqueueing answers 429; 0 = no limit. The runbook's 100,000. */
  maxQueueDepth: { default: 100_000, min: 0, max: 100_000_000 },
  eventStreamsPerTenant: { default: 100, min: 1, max: 1_000_000 },
  eventStreamsTotal: { default: 1_000, min: 1, max: 1_000_000 },
  eventStreamIdleMs: { default: 15 * 60_000, min: 1_000, max: 24 * HOUR_MS },
  eventStreamMaxMs: { default: HOUR_MS, min: 1_000, max: 7 * 24 * HOUR_MS },
  rateLimitWindowMs: { default: 60_000, min: 100, max: 24 * HOUR_MS },
  /** How long SIGTERM waits for in-flight jobs before the workers exit anyway. */
  shutdownTimeoutMs: { default: 30_000, min: 1_000, max: 24 * HOUR_MS },
} as const satisfies Record<string, IntRange>

/** KEEP_*: finished jobs kept per queue (at least one, so a finished job can still be read) and for how many seconds; the defaults are `DEFAULT_RETENTION`. */
export const RETENTION_BOUNDS = {
  count: { min: 1, max: 10_000_000 },
  age: { min: 1, max: 366 * 24 * 3600 },
} as const
