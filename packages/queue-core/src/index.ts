export { loadConfig, SECRET_ENV_VARS, type ExtractSettings, type FlashcardConfig, type LogStoreKind, type LlmProviderKind, type TranscriptionSettings } from './config/index.js'
export { DEFAULTS, INT_SETTINGS, QUEUE_PREFIX_RULE, RETENTION_BOUNDS, type IntRange } from './defaults.js'
export { parseRedisUrl, redactRedisUrl, type RedisTarget, type RedisNode } from './redis-url.js'
export {
  createRedis,
  closeRedis,
  openConnection,
  blockingConnections,
  connectionInputProblem,
  isRedisConnection,
  redisOptionsFor,
  isClusterUrl,
  queuePrefixFor,
  type RedisConnection,
  type ConnectionInput,
  type OpenedConnection,
  type ConnectionProblem,
  type ConnectionRole,
  type CreateRedisOptions,
} from './redis.js'
export { QUEUE_NAMES, JOB_NAMES, DEFAULT_RETENTION, BACKOFF_DELAY_MS, defaultJobOptions, auxKey, type QueueName, type JobRetention, type KeepJobs } from './queues.js'
export * from './schemas.js'
export * from './result-schemas.js'
export { JobStatus, JobStateName, JobProgress, toJobStatus, normaliseState } from './status.js'
export {
  FlashcardError,
  FLASHCARD_ERROR_CODES,
  ConfigError,
  JobLogCorruptError,
  JobLogStoreError,
  RedisUrlError,
  TransactionAbortedError,
  codedError,
  type FlashcardErrorCode,
  type CodedError,
  type CodedErrorOptions,
  type ErrorClass,
  type CodedErrorClass,
  type ErrorSpec,
} from './errors.js'
export { assertValid, describeErrors, formatSchemaErrors, type SchemaError } from './validation.js'
export {
  FlashcardQueues,
  checkTarget,
  type FlashcardQueuesOptions,
  type EnqueuedJob,
  type ListJobsQuery,
  type JobPage,
  type CancelOutcome,
  type WorkerQueues,
} from './client/index.js'
export { redisFailure } from './client/availability.js'
export type { DataLoss } from './client/epoch.js'
export { readRedisMemory, outOfMemoryReason, type RedisMemory } from './redis-memory.js'
export { CancelRequests } from './cancel.js'
export {
  JobStats,
  Heartbeats,
  DURATION_BUCKETS,
  HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_MAX_AGE_MS,
  type AttemptRecord,
  type JobOutcome,
  type LlmCallRecord,
  type QueueStatsSnapshot,
  type WorkerHeartbeat,
} from './stats.js'
export { registerFlashcardMetrics, readSystemSnapshot, METRIC_NAMES, type FlashcardMetricsOptions, type SystemSnapshot } from './metrics.js'
export type { JobLogDocument, JobLogEntry, JobLogLevel, JobLogStatus, JobLogStore, JobLogWriteOptions } from './job-log/types.js'
export { redact, redactText, isSecretKey, REDACTED } from './job-log/redact.js'
export { registerSecrets } from './job-log/known-secrets.js'
export { clientSafeText } from './server-paths.js'
export { redactLogLine, logOptions } from './job-log/log-redaction.js'
export { JobLogDocumentSchema, JobLogEntrySchema, JOB_LOG_LEVELS } from './job-log/schema.js'
export { JOB_LOG_ID_PATTERN, assertJobLogId, mergeAttempt, parseJobLog, serializeJobLog } from './job-log/document.js'
export {
  LocalJobLogStore,
  DEFAULT_LOG_DIR,
  DEFAULT_LOG_RETENTION,
  TEMP_FILE_GRACE_MS,
  type LocalJobLogStoreOptions,
  type PruneOptions,
  type PruneResult,
} from './job-log/local-store.js'
export { S3JobLogStore, MAX_LINK_SECONDS, type S3JobLogStoreOptions } from './job-log/s3-store.js'
export { createJobLogStore, type CreateJobLogStoreOptions } from './job-log/create-store.js'
export { JobLogWriter, DEFAULT_MAX_ENTRIES, type JobLogTarget, type JobLogWriterOptions } from './job-log/writer.js'
export {
  REVIEW_STATUSES,
  DECK_PAGE_DEFAULT,
  DECK_PAGE_MAX,
  type ReviewStatus,
  type DeckKey,
  type DeckCard,
  type DeckRevisionInput,
  type Deck,
  type DeckSummary,
  type DeckQuery,
  type PageQuery,
  type CardPatch,
  type DeckStore,
  type DeckStoreKind,
} from './decks/types.js'
export {
  exportDecks,
  exportFromStore,
  readWholeDeck,
  readCourseDecks,
  exportNotes,
  buildApkg,
  buildCsv,
  noteGuid,
  EXPORT_FORMATS,
  type ExportFormat,
  type DeckExport,
  type ExportDeck,
  type ExportNote,
} from './decks/export/index.js'
export { createDeckStore, type CreateDeckStoreOptions } from './decks/create-store.js'
export { RedisDeckStore, type RedisDeckStoreOptions } from './decks/redis/store.js'
export { deckKeys, type DeckKeys } from './decks/redis/keys.js'
export type { PostgresDeckStore, PostgresDeckStoreOptions } from './decks/postgres/store.js'
