import Type, { type Static, type TSchema } from 'typebox'
import { DEFAULTS, INT_SETTINGS, QUEUE_PREFIX_RULE, RETENTION_BOUNDS, type IntRange } from '../defaults.js'
import { DEFAULT_RETENTION } from '../queues.js'

/*
 * Every environment variable the packages read, as one TypeBox schema that env-schema validates
 * (with defaults and type coercion). `expected` is what a problem line says is allowed; it is an
 * annotation keyword of our own (registered with Ajv in load.ts), not a validation rule.
 * Rules that span variables, and URLs a pattern cannot check, are in rules.ts.
 */

const HOUR_MS = 3_600_000
const int = (fallback: number, min: number, max: number) => Type.Integer({ default: fallback, minimum: min, maximum: max, expected: `an integer from ${min} to ${max}` })
const range = (setting: IntRange) => int(setting.default, setting.min, setting.max)
const bool = (fallback = false) => Type.Boolean({ default: fallback, expected: 'true or false (also 1/0, yes/no, on/off)' })
const oneOf = <const T extends string[]>(values: [...T], fallback?: T[number]) =>
  Type.Enum(values, { expected: `one of ${values.join(', ')}`, ...(fallback === undefined ? {} : { default: fallback }) })
const text = (fallback: string) => Type.String({ default: fallback })
const optional = (options: Record<string, unknown> = {}) => Type.Optional(Type.String(options))

/** Queues, Redis and the worker processes. */
const WORKERS = {
  REDIS_URL: text(DEFAULTS.redisUrl),
  TEST_REDIS_URL: optional(),
  WORKER_CONCURRENCY: int(2, 1, 1000),
  JOB_ATTEMPTS: range(INT_SETTINGS.jobAttempts),
  JOB_TIMEOUT_MS: int(600_000, 1_000, 24 * HOUR_MS),
  STALLED_INTERVAL_MS: int(30_000, 1_000, HOUR_MS),
  LOCK_DURATION_MS: int(30_000, 1_000, HOUR_MS),
  QUEUE_PREFIX: Type.String({ default: QUEUE_PREFIX_RULE.default, pattern: QUEUE_PREFIX_RULE.pattern.source, expected: QUEUE_PREFIX_RULE.allowed }),
  KEEP_COMPLETED_JOBS: int(DEFAULT_RETENTION.removeOnComplete.count, RETENTION_BOUNDS.count.min, RETENTION_BOUNDS.count.max),
  KEEP_COMPLETED_AGE_S: int(DEFAULT_RETENTION.removeOnComplete.age, RETENTION_BOUNDS.age.min, RETENTION_BOUNDS.age.max),
  KEEP_FAILED_JOBS: int(DEFAULT_RETENTION.removeOnFail.count, RETENTION_BOUNDS.count.min, RETENTION_BOUNDS.count.max),
  KEEP_FAILED_AGE_S: int(DEFAULT_RETENTION.removeOnFail.age, RETENTION_BOUNDS.age.min, RETENTION_BOUNDS.age.max),
  WORKER_ID: optional(),
  SHUTDOWN_TIMEOUT_MS: range(INT_SETTINGS.shutdownTimeoutMs),
  DEBUG: bool(),
  CONTENT_DIR: text(DEFAULTS.contentDir),
  ENQUEUE_MODULE_JOB_ON_COMPLETE: bool(),
  EXTRACT_TIMEOUT_MS: int(120_000, 100, 24 * HOUR_MS),
  EXTRACT_MAX_HEAP_MB: int(512, 32, 64 * 1024),
  EXTRACT_THREADS: int(2, 1, 64),
}

/** Job logs, decks and webhooks. */
const STORAGE = {
  LOG_STORE: oneOf(['local', 's3'], 'local'),
  LOG_DIR: text(DEFAULTS.logDir),
  S3_BUCKET: optional(),
  S3_REGION: optional(),
  AWS_REGION: optional(),
  S3_ENDPOINT: optional(),
  S3_FORCE_PATH_STYLE: bool(),
  DECK_STORE: oneOf(['redis', 'postgres'], 'redis'),
  DATABASE_URL: optional({ pattern: '^postgres(ql)?://.', expected: 'a postgres:// or postgresql:// URL' }),
  WEBHOOK_URL: optional(),
  WEBHOOK_SECRET: optional(),
}

/** LLM and speech-to-text providers. */
const PROVIDERS = {
  LLM_PROVIDER: Type.Optional(oneOf(['offline', 'gemini', 'openai-compatible'])),
  GEMINI_API_KEY: optional(),
  GOOGLE_AI_API_KEY: optional(),
  GEMINI_MODEL: text(DEFAULTS.geminiModel),
  GEMINI_BASE_URL: optional(),
  OPENAI_BASE_URL: optional(),
  OPENAI_API_KEY: optional(),
  OPENAI_MODEL: optional(),
}

/** The transcription worker: where files may come from and how big they may be. */
const TRANSCRIPTION = {
  MOCK_FILE_URLS: bool(),
  ALLOW_PRIVATE_FILE_URLS: bool(),
  LOCAL_FILE_ROOT: optional(),
  MAX_FILE_BYTES: int(500 * 1024 * 1024, 1, 20 * 1024 ** 3),
  FILE_FETCH_TIMEOUT_MS: int(5 * 60_000, 100, 24 * HOUR_MS),
  OPENAI_TRANSCRIPTION_MODEL: text(DEFAULTS.openaiTranscriptionModel),
  S3_ALLOWED_BUCKETS: optional(),
}

/** The example API server (the plugin itself reads no environment: its host passes options). */
const API = {
  PORT: int(5000, 0, 65535),
  HOST: text('0.0.0.0'),
  API_TOKENS: optional(),
  DASHBOARD_TENANT: optional(),
  MAX_QUEUE_DEPTH: range(INT_SETTINGS.maxQueueDepth),
  EVENT_STREAMS_PER_TENANT: range(INT_SETTINGS.eventStreamsPerTenant),
  EVENT_STREAMS_TOTAL: range(INT_SETTINGS.eventStreamsTotal),
  EVENT_STREAM_IDLE_MS: range(INT_SETTINGS.eventStreamIdleMs),
  EVENT_STREAM_MAX_MS: range(INT_SETTINGS.eventStreamMaxMs),
  RATE_LIMIT_MAX: int(0, 0, 10_000_000),
  RATE_LIMIT_WINDOW_MS: range(INT_SETTINGS.rateLimitWindowMs),
  MAX_EVENT_LOOP_DELAY_MS: int(0, 0, 60_000),
}

export const EnvSchema = Type.Object({ ...WORKERS, ...STORAGE, ...PROVIDERS, ...TRANSCRIPTION, ...API }, { additionalProperties: false })

/** The environment after validation: defaults applied, integers and booleans converted. */
export type Env = Static<typeof EnvSchema>
export type EnvName = keyof Env

/** The schema of one variable, read by the loader (which variables are booleans) and the problem lines (`expected`). */
export function variableSchema(name: string): (TSchema & { type?: string; expected?: string }) | undefined {
  return (EnvSchema.properties as Record<string, TSchema>)[name]
}
