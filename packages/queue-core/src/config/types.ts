import type { DeckStoreKind } from '../decks/types.js'
import type { JobRetention } from '../queues.js'

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
  llm: LlmSettings
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
  /** SHUTDOWN_TIMEOUT_MS: how long SIGTERM waits for in-flight jobs before the workers exit anyway. */
  shutdownTimeoutMs: number
  /** The extraction sandbox's limits (README "Hostile files"). */
  extract: ExtractSettings
  transcription: TranscriptionSettings
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
    /** API_TOKENS: static bearer tokens, `token:tenant,token:tenant` (parsed by the plugin's `parseApiTokens`). */
    tokens: string | undefined
    /** DASHBOARD_TENANT: the operator tenant whose tokens open bull-board; unset, no dashboard. */
    dashboardTenant: string | undefined
  }
}

/** EXTRACT_*: the extraction sandbox's limits. */
export interface ExtractSettings {
  /** EXTRACT_TIMEOUT_MS: wall-clock time one file's detection and extraction may take; its thread is stopped after it. */
  timeoutMs: number
  /** EXTRACT_MAX_HEAP_MB: V8 heap of each extraction thread; a file that needs more fails, the worker does not. */
  maxHeapMb: number
  /** EXTRACT_THREADS: files extracted at once by one worker process (each in its own thread). */
  threads: number
}

/** The transcription worker's knobs. */
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

/** Every provider setting, as read; speech-to-text uses the Gemini and OpenAI ones whichever provider writes cards. */
interface ProviderSettings {
  geminiApiKey: string | undefined
  geminiModel: string
  geminiBaseUrl: string | undefined
  openaiBaseUrl: string | undefined
  openaiApiKey: string | undefined
  openaiModel: string | undefined
}

/** The LLM provider (LLM_PROVIDER) with what it needs present: loading refuses a provider without its key, URL or model. */
export type LlmSettings =
  | (ProviderSettings & { provider: 'offline' })
  | (ProviderSettings & { provider: 'gemini'; geminiApiKey: string })
  | (ProviderSettings & { provider: 'openai-compatible'; openaiBaseUrl: string; openaiModel: string })
