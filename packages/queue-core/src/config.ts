import { ConfigError } from './errors.js'
import { registerSecrets } from './job-log/known-secrets.js'
import { parseRedisUrl, redactRedisUrl } from './redis-url.js'
import type { DeckStoreKind } from './decks/types.js'
import { DEFAULT_RETENTION, type JobRetention } from './queues.js'

/** Where per-job logs are written. */
export type LogStoreKind = 'local' | 's3'
/** Which LLM backend the orchestrator talks to. */
export type LlmProviderKind = 'offline' | 'gemini' | 'openai-compatible'

/** Every environment variable of the runbook (and DESIGN.md's additions), parsed and validated. */
export interface FlashcardConfig {
  redisUrl: string
  testRedisUrl: string | undefined
  workerConcurrency: number
  jobAttempts: number
  jobTimeoutMs: number
  /** How often workers look for jobs whose worker died (BullMQ stalledInterval; the runbook's 30 s). */
  stalledIntervalMs: number
  /** How long a worker's lock on a job lasts before it must be renewed (BullMQ lockDuration). */
  lockDurationMs: number
  queuePrefix: string
  /** Largest backlog (waiting + delayed jobs per queue) the API accepts before answering 429; 0 = unlimited. */
  maxQueueDepth: number
  /** How many completed and failed jobs Redis keeps, and for how long; the API and the workers must agree. */
  retention: JobRetention
  workerId: string | undefined
  logStore: LogStoreKind
  logDir: string
  debug: boolean
  s3: {
    bucket: string | undefined
    region: string
    endpoint: string | undefined
    forcePathStyle: boolean
  }
  llm: {
    provider: LlmProviderKind
    geminiApiKey: string | undefined
    geminiModel: string
    geminiBaseUrl: string | undefined
    openaiBaseUrl: string | undefined
    openaiApiKey: string | undefined
    openaiModel: string | undefined
  }
  contentDir: string
  enqueueModuleJobOnComplete: boolean
  mockFileUrls: boolean
  allowPrivateFileUrls: boolean
  decks: {
    store: DeckStoreKind
    /** PostgreSQL URL of the `postgres` deck store. */
    databaseUrl: string | undefined
  }
  webhooks: {
    /** Where every job outcome is POSTed, beside each job's own `callback_url`. */
    url: string | undefined
    /** HMAC-SHA256 key that signs every webhook; webhooks are sent only when it is set. */
    secret: string | undefined
  }
  port: number
  host: string
  /** Limits of the example API server (the plugin's `eventStreams`, `rateLimit`, `maxEventLoopDelayMs`). */
  api: {
    eventStreamsPerTenant: number
    eventStreamsTotal: number
    eventStreamIdleMs: number
    eventStreamMaxMs: number
    /** Requests per tenant per `rateLimitWindowMs`; 0 = off. */
    rateLimitMax: number
    rateLimitWindowMs: number
    /** 503 while the event loop lags more than this; 0 = off. */
    maxEventLoopDelayMs: number
  }
}

type Env = Record<string, string | undefined>

/** Variables whose values must never be echoed back. */
export const SECRET_ENV_VARS = new Set([
  'GEMINI_API_KEY',
  'GOOGLE_AI_API_KEY',
  'OPENAI_API_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'API_TOKENS',
  'DATABASE_URL',
  'TEST_DATABASE_URL',
  'WEBHOOK_SECRET',
])

class Reader {
  readonly problems: string[] = []
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name]
    if (value === undefined) return undefined
    const trimmed = value.trim()
    return trimmed === '' ? undefined : trimmed
  }

  private shown(name: string, value: string): string {
    if (SECRET_ENV_VARS.has(name)) return '(value hidden)'
    if (name.endsWith('REDIS_URL')) return JSON.stringify(redactRedisUrl(value))
    return JSON.stringify(value)
  }

  fail(name: string, value: string, allowed: string): void {
    this.problems.push(`${name}=${this.shown(name, value)} is invalid: expected ${allowed}`)
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback
  }

  optional(name: string): string | undefined {
    return this.raw(name)
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name)
    if (value === undefined) return fallback
    const allowed = `an integer from ${min} to ${max}`
    if (!/^-?\d+$/.test(value)) {
      this.fail(name, value, allowed)
      return fallback
    }
    const parsed = Number(value)
    if (parsed < min || parsed > max) {
      this.fail(name, value, allowed)
      return fallback
    }
    return parsed
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)
    if (value === undefined) return fallback
    const lower = value.toLowerCase()
    if (['true', '1', 'yes', 'on'].includes(lower)) return true
    if (['false', '0', 'no', 'off'].includes(lower)) return false
    this.fail(name, value, 'true or false (also 1/0, yes/no, on/off)')
    return fallback
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.raw(name)
    if (value === undefined) return fallback
    if ((allowed as readonly string[]).includes(value)) return value as T
    this.fail(name, value, `one of ${allowed.join(', ')}`)
    return fallback
  }

  redisUrl(name: string, fallback: string): string {
    const value = this.raw(name) ?? fallback
    try {
      parseRedisUrl(value)
    } catch (err) {
      this.fail(name, value, (err as Error).message)
    }
    return value
  }

  postgresUrl(name: string): string | undefined {
    const value = this.raw(name)
    if (value !== undefined && !/^postgres(ql)?:\/\/./.test(value)) this.fail(name, value, 'a postgres:// or postgresql:// URL')
    return value
  }

  httpUrl(name: string): string | undefined {
    const value = this.raw(name)
    if (value === undefined) return undefined
    let ok = false
    try {
      const url = new URL(value)
      ok = url.protocol === 'http:' || url.protocol === 'https:'
    } catch {
      ok = false
    }
    if (!ok) this.fail(name, value, 'an http:// or https:// URL')
    return value
  }
}

const QUEUE_PREFIX_PATTERN = /^[A-Za-z0-9_.{}-]{1,64}$/
const DEFAULT_MAX_QUEUE_DEPTH = 100_000

/**
 * Reads the runbook's environment variables into one frozen, typed object.
 * Every problem is reported at once in a single `ConfigError`; secret values are never echoed.
 */
export function loadConfig(env: Env = process.env): Readonly<FlashcardConfig> {
  const r = new Reader(env)

  const queuePrefix = r.string('QUEUE_PREFIX', 'flashcard')
  if (!QUEUE_PREFIX_PATTERN.test(queuePrefix)) {
    r.fail('QUEUE_PREFIX', queuePrefix, '1 to 64 characters among letters, digits, _ . - { }')
  }

  const logStore = r.oneOf<LogStoreKind>('LOG_STORE', 'local', ['local', 's3'])
  const s3Bucket = r.optional('S3_BUCKET')
  if (logStore === 's3' && s3Bucket === undefined) {
    r.problems.push('S3_BUCKET is required when LOG_STORE=s3: set it to the bucket that receives job logs')
  }

  const geminiApiKey = r.optional('GEMINI_API_KEY') ?? r.optional('GOOGLE_AI_API_KEY')
  const openaiBaseUrl = r.httpUrl('OPENAI_BASE_URL')
  const provider = r.oneOf<LlmProviderKind>('LLM_PROVIDER', geminiApiKey ? 'gemini' : 'offline', [
    'offline',
    'gemini',
    'openai-compatible',
  ])
  if (provider === 'gemini' && !geminiApiKey) {
    r.problems.push('LLM_PROVIDER=gemini needs GEMINI_API_KEY (or GOOGLE_AI_API_KEY) to be set')
  }
  if (provider === 'openai-compatible' && !openaiBaseUrl) {
    r.problems.push('LLM_PROVIDER=openai-compatible needs OPENAI_BASE_URL (for example http://localhost:11434/v1)')
  }

  const config: FlashcardConfig = {
    redisUrl: r.redisUrl('REDIS_URL', 'redis://localhost:6379'),
    testRedisUrl: r.raw('TEST_REDIS_URL') === undefined ? undefined : r.redisUrl('TEST_REDIS_URL', ''),
    workerConcurrency: r.int('WORKER_CONCURRENCY', 2, 1, 1000),
    jobAttempts: r.int('JOB_ATTEMPTS', 3, 1, 100),
    jobTimeoutMs: r.int('JOB_TIMEOUT_MS', 600_000, 1_000, 24 * 3_600_000),
    stalledIntervalMs: r.int('STALLED_INTERVAL_MS', 30_000, 1_000, 3_600_000),
    lockDurationMs: r.int('LOCK_DURATION_MS', 30_000, 1_000, 3_600_000),
    queuePrefix,
    maxQueueDepth: r.int('MAX_QUEUE_DEPTH', DEFAULT_MAX_QUEUE_DEPTH, 0, 100_000_000),
    retention: readRetention(r),
    workerId: r.optional('WORKER_ID'),
    logStore,
    logDir: r.string('LOG_DIR', 'server/tmp/logs'),
    debug: r.bool('DEBUG', false),
    s3: {
      bucket: s3Bucket,
      region: r.string('S3_REGION', r.string('AWS_REGION', 'us-east-1')),
      endpoint: r.httpUrl('S3_ENDPOINT'),
      forcePathStyle: r.bool('S3_FORCE_PATH_STYLE', false),
    },
    llm: {
      provider,
      geminiApiKey,
      geminiModel: r.string('GEMINI_MODEL', 'gemini-2.5-flash'),
      geminiBaseUrl: r.httpUrl('GEMINI_BASE_URL'),
      openaiBaseUrl,
      openaiApiKey: r.optional('OPENAI_API_KEY'),
      openaiModel: r.optional('OPENAI_MODEL'),
    },
    contentDir: r.string('CONTENT_DIR', 'content'),
    enqueueModuleJobOnComplete: r.bool('ENQUEUE_MODULE_JOB_ON_COMPLETE', false),
    mockFileUrls: r.bool('MOCK_FILE_URLS', false),
    allowPrivateFileUrls: r.bool('ALLOW_PRIVATE_FILE_URLS', false),
    ...readDecksAndWebhooks(r),
    port: r.int('PORT', 5000, 0, 65535),
    host: r.string('HOST', '0.0.0.0'),
    api: {
      eventStreamsPerTenant: r.int('EVENT_STREAMS_PER_TENANT', 100, 1, 1_000_000),
      eventStreamsTotal: r.int('EVENT_STREAMS_TOTAL', 1_000, 1, 1_000_000),
      eventStreamIdleMs: r.int('EVENT_STREAM_IDLE_MS', 15 * 60_000, 1_000, 24 * 3_600_000),
      eventStreamMaxMs: r.int('EVENT_STREAM_MAX_MS', 3_600_000, 1_000, 7 * 24 * 3_600_000),
      rateLimitMax: r.int('RATE_LIMIT_MAX', 0, 0, 10_000_000),
      rateLimitWindowMs: r.int('RATE_LIMIT_WINDOW_MS', 60_000, 100, 24 * 3_600_000),
      maxEventLoopDelayMs: r.int('MAX_EVENT_LOOP_DELAY_MS', 0, 0, 60_000),
    },
  }

  if (r.problems.length > 0) throw new ConfigError(r.problems)
  registerConfiguredSecrets(env, [config.redisUrl, config.testRedisUrl])
  return deepFreeze(config)
}

const MAX_KEPT_JOBS = 10_000_000
const MAX_KEEP_AGE_S = 366 * 24 * 3600

/** KEEP_*: finished jobs kept per queue (at least one, so a finished job can still be read) and for how long. */
function readRetention(r: Reader): JobRetention {
  const { removeOnComplete: completed, removeOnFail: failed } = DEFAULT_RETENTION
  return {
    removeOnComplete: {
      count: r.int('KEEP_COMPLETED_JOBS', completed.count, 1, MAX_KEPT_JOBS),
      age: r.int('KEEP_COMPLETED_AGE_S', completed.age, 1, MAX_KEEP_AGE_S),
    },
    removeOnFail: {
      count: r.int('KEEP_FAILED_JOBS', failed.count, 1, MAX_KEPT_JOBS),
      age: r.int('KEEP_FAILED_AGE_S', failed.age, 1, MAX_KEEP_AGE_S),
    },
  }
}

/** The deck store and webhook variables, checked together because each pair depends on the other. */
function readDecksAndWebhooks(r: Reader): Pick<FlashcardConfig, 'decks' | 'webhooks'> {
  const deckStore = r.oneOf<DeckStoreKind>('DECK_STORE', 'redis', ['redis', 'postgres'])
  const databaseUrl = r.postgresUrl('DATABASE_URL')
  if (deckStore === 'postgres' && databaseUrl === undefined) {
    r.problems.push('DECK_STORE=postgres needs DATABASE_URL (for example postgres://user:password@localhost:5432/flashcards)')
  }
  const webhookUrl = r.httpUrl('WEBHOOK_URL')
  const webhookSecret = r.optional('WEBHOOK_SECRET')
  if (webhookUrl !== undefined && webhookSecret === undefined) {
    r.problems.push('WEBHOOK_URL needs WEBHOOK_SECRET: every webhook is signed with it')
  }

  return { decks: { store: deckStore, databaseUrl }, webhooks: { url: webhookUrl, secret: webhookSecret } }
}

function databasePassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined
  } catch {
    return undefined
  }
}

/** Every output path redacts these values wherever they appear, e.g. echoed in a provider's error. */
function registerConfiguredSecrets(env: Env, redisUrls: (string | undefined)[]): void {
  for (const name of SECRET_ENV_VARS) {
    const value = env[name]?.trim()
    if (!value) continue
    // API_TOKENS is `token:tenant,…`: the tokens are the secrets.
    if (name === 'API_TOKENS') registerSecrets(...value.split(',').map((entry) => entry.slice(0, entry.lastIndexOf(':')).trim()))
    else if (name.endsWith('DATABASE_URL')) registerSecrets(value, databasePassword(value))
    else registerSecrets(value)
  }
  for (const url of redisUrls) {
    if (url === undefined) continue
    const target = parseRedisUrl(url)
    registerSecrets(target.password, target.kind === 'sentinel' ? target.sentinelPassword : undefined)
  }
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, unknown>)[key]
    if (child && typeof child === 'object') deepFreeze(child)
  }
  return Object.freeze(value)
}
