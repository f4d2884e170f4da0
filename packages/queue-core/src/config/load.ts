import envSchema from 'env-schema'
import { DEFAULTS } from '../defaults.js'
import { ConfigError } from '../errors.js'
import { EnvSchema, variableSchema, type Env } from './schema.js'
import { bucketList, geminiApiKey, llmProvider, ruleProblems, type RawEnv } from './rules.js'
import { registerConfiguredSecrets, shownValue } from './secrets.js'
import type { FlashcardConfig, LlmSettings } from './types.js'

type Environment = Record<string, string | undefined>

const TRUE = new Set(['true', '1', 'yes', 'on'])
const FALSE = new Set(['false', '0', 'no', 'off'])

/**
 * The variables of the schema as given: trimmed, blank ones dropped (so they take their default),
 * booleans' spellings reduced to the `true` / `false` Ajv converts. Each is looked up by name, so
 * an environment that records its reads sees every variable the packages use.
 */
function rawVariables(env: Environment): RawEnv {
  const raw: Record<string, string> = {}
  for (const name of Object.keys(EnvSchema.properties)) {
    const value = env[name]?.trim()
    if (!value) continue
    const lower = value.toLowerCase()
    const isBoolean = variableSchema(name)?.type === 'boolean'
    raw[name] = isBoolean && TRUE.has(lower) ? 'true' : isBoolean && FALSE.has(lower) ? 'false' : value
  }
  return raw
}

interface SchemaFailure {
  instancePath: string
}

/** One line per invalid variable, naming it, its value (secrets hidden) and what is allowed. */
function schemaProblems(raw: RawEnv, errors: SchemaFailure[]): string[] {
  const names = new Set(errors.map((error) => error.instancePath.split('/')[1]).filter((name) => name !== undefined))
  return [...names].map((name) => {
    const expected = variableSchema(name)?.expected ?? 'a valid value'
    return `${name}=${shownValue(name, raw[name] ?? '')} is invalid: expected ${expected}`
  })
}

/** Validates with env-schema (Ajv: defaults, coercion, every error at once). */
function validate(raw: RawEnv): { env: Env; problems: string[] } | { env: undefined; problems: string[] } {
  try {
    const env = envSchema<Env>({
      schema: EnvSchema,
      data: { ...raw },
      env: false,
      // `expected` only annotates the schema for the problem lines.
      ajv: { customOptions: (ajv) => ajv.addKeyword('expected') },
    })
    return { env, problems: [] }
  } catch (err) {
    const errors = (err as { errors?: SchemaFailure[] }).errors
    if (!errors) throw err
    return { env: undefined, problems: schemaProblems(raw, errors) }
  }
}

/**
 * Reads the runbook's environment variables (and the design's additions) into one frozen, typed
 * object. Every problem is reported at once in a single `ConfigError`; secret values are never echoed.
 */
export function loadConfig(environment: Environment = process.env): Readonly<FlashcardConfig> {
  const raw = rawVariables(environment)
  const { env, problems } = validate(raw)
  problems.push(...ruleProblems(raw))
  if (env === undefined || problems.length > 0) throw new ConfigError(problems)
  const config = toConfig(env)
  registerConfiguredSecrets(environment, [config.redis.url, config.redis.testUrl])
  return deepFreeze(config)
}

/** The validated variables as the sections the packages take. */
function toConfig(env: Env): FlashcardConfig {
  return {
    redis: { url: env.REDIS_URL, testUrl: env.TEST_REDIS_URL },
    queue: {
      prefix: env.QUEUE_PREFIX,
      maxDepth: env.MAX_QUEUE_DEPTH,
      jobAttempts: env.JOB_ATTEMPTS,
      retention: {
        removeOnComplete: { count: env.KEEP_COMPLETED_JOBS, age: env.KEEP_COMPLETED_AGE_S },
        removeOnFail: { count: env.KEEP_FAILED_JOBS, age: env.KEEP_FAILED_AGE_S },
      },
    },
    worker: {
      id: env.WORKER_ID,
      concurrency: env.WORKER_CONCURRENCY,
      jobTimeoutMs: env.JOB_TIMEOUT_MS,
      stalledIntervalMs: env.STALLED_INTERVAL_MS,
      lockDurationMs: env.LOCK_DURATION_MS,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      contentDir: env.CONTENT_DIR,
      allowPrivateFileUrls: env.ALLOW_PRIVATE_FILE_URLS,
    },
    logs: { store: env.LOG_STORE, dir: env.LOG_DIR, debug: env.DEBUG },
    s3: { bucket: env.S3_BUCKET, region: env.S3_REGION ?? env.AWS_REGION ?? 'us-east-1', endpoint: env.S3_ENDPOINT, forcePathStyle: env.S3_FORCE_PATH_STYLE },
    llm: llmSettings(env),
    decks: { store: env.DECK_STORE, databaseUrl: env.DATABASE_URL },
    webhooks: { url: env.WEBHOOK_URL, secret: env.WEBHOOK_SECRET },
    extract: { timeoutMs: env.EXTRACT_TIMEOUT_MS, maxHeapMb: env.EXTRACT_MAX_HEAP_MB, threads: env.EXTRACT_THREADS },
    transcription: {
      localRoot: env.LOCAL_FILE_ROOT,
      maxFileBytes: env.MAX_FILE_BYTES,
      fetchTimeoutMs: env.FILE_FETCH_TIMEOUT_MS,
      maxRedirects: DEFAULTS.maxRedirects,
      mockFileUrls: env.MOCK_FILE_URLS,
      enqueueModuleJobOnComplete: env.ENQUEUE_MODULE_JOB_ON_COMPLETE,
      openaiTranscriptionModel: env.OPENAI_TRANSCRIPTION_MODEL,
      s3AllowedBuckets: bucketList(env.S3_ALLOWED_BUCKETS),
    },
    api: {
      port: env.PORT,
      host: env.HOST,
      eventStreamsPerTenant: env.EVENT_STREAMS_PER_TENANT,
      eventStreamsTotal: env.EVENT_STREAMS_TOTAL,
      eventStreamIdleMs: env.EVENT_STREAM_IDLE_MS,
      eventStreamMaxMs: env.EVENT_STREAM_MAX_MS,
      rateLimitMax: env.RATE_LIMIT_MAX,
      rateLimitWindowMs: env.RATE_LIMIT_WINDOW_MS,
      maxEventLoopDelayMs: env.MAX_EVENT_LOOP_DELAY_MS,
      tokens: env.API_TOKENS,
      dashboardTenant: env.DASHBOARD_TENANT,
    },
  }
}

/** The provider settings; the rules have refused a provider whose key, URL or model is missing, so each is present here. */
function llmSettings(env: Env): LlmSettings {
  const settings = {
    geminiApiKey: geminiApiKey(env),
    geminiModel: env.GEMINI_MODEL,
    geminiBaseUrl: env.GEMINI_BASE_URL,
    openaiBaseUrl: env.OPENAI_BASE_URL,
    openaiApiKey: env.OPENAI_API_KEY,
    openaiModel: env.OPENAI_MODEL,
  }
  const provider = llmProvider(env)
  if (provider === 'gemini') return { ...settings, provider, geminiApiKey: settings.geminiApiKey! }
  if (provider === 'openai-compatible') return { ...settings, provider, openaiBaseUrl: settings.openaiBaseUrl!, openaiModel: settings.openaiModel! }
  return { ...settings, provider }
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, unknown>)[key]
    if (child && typeof child === 'object') deepFreeze(child)
  }
  return Object.freeze(value)
}
