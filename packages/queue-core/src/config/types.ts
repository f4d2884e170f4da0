import type { DeckStoreKind } from '../decks/types.js'
import type { JobRetention } from '../queues.js'

/** Where per-job logs are written. */
export type LogStoreKind = 'local' | 's3'
/** Which LLM backend the orchestrator talks to. */
export type LlmProviderKind = 'offline' | 'gemini' | 'openai-compatible'

/**
 * Every environment variable of the runbook (and DESIGN.md's additions), parsed and validated,
 * in sections: what the API and the workers share (Redis, the queues), what each side reads
 * alone (worker, api), and each concern's own (logs, S3, the LLM, decks, webhooks, extraction,
 * transcription).
 */
export interface FlashcardConfig {
  redis: RedisSettings
  queue: QueueSettings
  worker: WorkerSettings
  logs: LogSettings
  /** S3 (S3_*): the job-log store's bucket, and the client of `s3://` file URLs. */
  s3: S3Settings
  llm: LlmSettings
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
  /** The extraction sandbox's limits (README "Hostile files"). */
  extract: ExtractSettings
  transcription: TranscriptionSettings
  api: ApiSettings
}

/** REDIS_URL and TEST_REDIS_URL. */
export interface RedisSettings {
  url: string
  /** TEST_REDIS_URL: the Redis the test suites use; only registered as a secret here. */
  testUrl: string | undefined
}

/** What the API (which enqueues) and the workers (which run) must agree on about the queues. */
export interface QueueSettings {
  /** QUEUE_PREFIX: the prefix of every BullMQ key. */
  prefix: string
  /** MAX_QUEUE_DEPTH: largest backlog (waiting + delayed jobs per queue) the API accepts before answering 429; 0 = unlimited. */
  maxDepth: number
  /** JOB_ATTEMPTS: attempts each job is enqueued with. */
  jobAttempts: number
  /** KEEP_COMPLETED_* / KEEP_FAILED_*: how many completed and failed jobs Redis keeps, and for how long. */
  retention: JobRetention
}

/** What a worker process runs jobs with. */
export interface WorkerSettings {
  /** WORKER_ID: added to the worker's name in BullMQ and the heartbeats. */
  id: string | undefined
  /** WORKER_CONCURRENCY: jobs one worker process runs at once. */
  concurrency: number
  /** JOB_TIMEOUT_MS: one attempt's time; its work is aborted after it. */
  jobTimeoutMs: number
  /** STALLED_INTERVAL_MS: how often workers look for jobs whose worker died (BullMQ stalledInterval; the runbook's 30 s). */
  stalledIntervalMs: number
  /** LOCK_DURATION_MS: how long a worker's lock on a job lasts before it must be renewed (BullMQ lockDuration). */
  lockDurationMs: number
  /** SHUTDOWN_TIMEOUT_MS: how long SIGTERM waits for in-flight jobs before the workers exit anyway. */
  shutdownTimeoutMs: number
  /** CONTENT_DIR: where course content is read and transcripts are written. */
  contentDir: string
  /** ALLOW_PRIVATE_FILE_URLS: file URLs and webhooks may reach loopback and private addresses. */
  allowPrivateFileUrls: boolean
}

/** LOG_STORE, LOG_DIR and DEBUG. */
export interface LogSettings {
  /** Where per-job logs are written. */
  store: LogStoreKind
  /** The folder of the `local` store. */
  dir: string
  /** DEBUG: debug-level logs. */
  debug: boolean
}

/** S3_BUCKET, S3_REGION (or AWS_REGION), S3_ENDPOINT, S3_FORCE_PATH_STYLE. */
export interface S3Settings {
  bucket: string | undefined
  region: string
  endpoint: string | undefined
  forcePathStyle: boolean
}

/** The example API server: where it listens and its limits (the plugin's `eventStreams`, `rateLimit`, `maxEventLoopDelayMs`). */
export interface ApiSettings {
  /** PORT and HOST: where the server listens. */
  port: number
  host: string
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
  /** MOCK_FILE_URLS: `mock://` file URLs give generated test media instead of a download. */
  mockFileUrls: boolean
  /** ENQUEUE_MODULE_JOB_ON_COMPLETE: a module's generation is enqueued once every file of its transcription is done. */
  enqueueModuleJobOnComplete: boolean
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
