import type { FastifyRequest } from 'fastify'
import {
  connectionInputProblem,
  DEFAULT_RETENTION,
  INT_SETTINGS,
  QUEUE_PREFIX_RULE,
  RETENTION_BOUNDS,
  type ConnectionInput,
  type DeckStore,
  type IntRange,
  type DeckStoreKind,
  type JobLogStore,
  type JobRetention,
} from '@flashcards/queue-core'
import { InvalidOptionError } from './errors.js'
import type { StreamLimits } from './events/stream-limits.js'

/** Who made a request: a stable id (kept on the jobs it creates) and the tenant whose jobs it may see. */
export interface FlashcardPrincipal {
  id: string
  tenant: string
}

/**
 * How requests are authenticated (`Authorization: Bearer <token>`):
 * - `verify`: the host's own check (JWT, session, API-key table…); return null to reject.
 * - `tokens`: a static map `token → tenant` for simple deployments, compared in constant time.
 */
export type FlashcardAuthOptions = { verify: (token: string, request: FastifyRequest) => Promise<FlashcardPrincipal | null> } | { tokens: Record<string, string> }

export interface FlashcardPluginOptions {
  /**
   * REDIS_URL, or ioredis options `{ host, port, password, tls, … }` as BullMQ takes them (the
   * plugin opens and closes its connections), or an open ioredis Redis/Cluster (left open).
   */
  connection: ConnectionInput
  /** QUEUE_PREFIX shared with the workers. Default `flashcard`. */
  queuePrefix?: string
  /** Route prefix. Default `/api/flashcards`. */
  prefix?: string
  /** Required: how bearer tokens are checked. */
  auth: FlashcardAuthOptions
  /** Serve `GET …/orchestrator/health` without a token (load balancers). Default false. */
  publicHealth?: boolean
  /** Serve `GET …/orchestrator/metrics` without a token (Prometheus scrapers). Default false. */
  publicMetrics?: boolean
  /** Expose Prometheus metrics at `GET …/orchestrator/metrics`. Default true. */
  metrics?: boolean
  /** Register @fastify/swagger (unless the host did) and serve the document at `GET …/openapi.json`. Default true. */
  openapi?: boolean
  /** Where workers write job logs; enables `GET …/orchestrator/jobs/:jobId/logs`. */
  logStore?: JobLogStore
  /** Backlog per queue (waiting + delayed) above which enqueueing answers 429; 0 = no limit. Default 100,000, the runbook's MAX_QUEUE_DEPTH. */
  maxQueueDepth?: number
  /**
   * Milliseconds the backlog count behind `maxQueueDepth` is reused instead of read per request
   * (jobs this API adds, cancels and retries are accounted at once). The limit is then approximate
   * by what other API processes enqueue within the window. Default 1000; 0 reads it every time.
   */
  queueDepthCacheMs?: number
  /** JOB_ATTEMPTS for jobs the API enqueues. Default 3. */
  jobAttempts?: number
  /**
   * How many finished jobs the API's jobs keep in Redis, and for how long (seconds): `config.queue.retention`
   * (KEEP_COMPLETED_JOBS, KEEP_COMPLETED_AGE_S, KEEP_FAILED_JOBS, KEEP_FAILED_AGE_S). Give the workers
   * the same. Default: completed 1,000 for a day, failed 5,000 for a week.
   */
  retention?: Partial<{ removeOnComplete: Partial<JobRetention['removeOnComplete']>; removeOnFail: Partial<JobRetention['removeOnFail']> }>
  /** Largest accepted request body in bytes. Default 2 MiB (inline module content can be long). */
  bodyLimit?: number
  /** Interval of the keep-alive comment on event streams, so proxies do not close them. Default 15000. */
  eventsHeartbeatMs?: number
  /**
   * Limits on open event streams (each holds a socket until it ends). Beyond `maxPerTenant` a
   * tenant gets 429, beyond `maxTotal` everyone gets 503, both with Retry-After. Defaults:
   * 100 per tenant, 1000 in total, ended after 15 min without a job event or 1 h in all.
   */
  eventStreams?: Partial<StreamLimits>
  /**
   * Requests per tenant (per client address before authentication) and time window, counted in
   * this process (@fastify/rate-limit); beyond it 429 `RATE_LIMITED` with Retry-After.
   * Default false (off): the host usually limits at its edge.
   */
  rateLimit?: { max: number; timeWindowMs: number } | false
  /**
   * Answer 503 `UNAVAILABLE` with Retry-After while the event loop lags more than this many
   * milliseconds (@fastify/under-pressure), instead of queueing requests. Default false (off).
   */
  maxEventLoopDelayMs?: number | false
  /**
   * Where the decks live (the cards that outlive jobs): an open DeckStore (left open), or which
   * store to open (DECK_STORE): `{ store: 'redis' }` (default: the queues' Redis, under the queue
   * prefix) or `{ store: 'postgres', databaseUrl }`. A store the plugin opens it closes on close.
   */
  decks?: DeckStore | DeckStoreSettings
  /** Serve the review page at `GET …/review/` (static assets; its API calls carry the bearer token). Default false. */
  review?: boolean
}

/** Which deck store the plugin opens itself. */
export interface DeckStoreSettings {
  store: DeckStoreKind
  /** DATABASE_URL of the `postgres` store. */
  databaseUrl?: string
}

/** Options after validation, with every default applied. */
export interface ResolvedOptions {
  connection: ConnectionInput
  queuePrefix: string
  prefix: string
  auth: FlashcardAuthOptions
  publicHealth: boolean
  publicMetrics: boolean
  metrics: boolean
  openapi: boolean
  logStore: JobLogStore | undefined
  maxQueueDepth: number
  queueDepthCacheMs: number
  jobAttempts: number
  retention: JobRetention
  bodyLimit: number
  eventsHeartbeatMs: number
  eventStreams: StreamLimits
  rateLimit: { max: number; timeWindowMs: number } | false
  maxEventLoopDelayMs: number | false
  decks: DeckStore | DeckStoreSettings
  review: boolean
}

const PREFIX_PATTERN = /^(?:\/[\w.~-]+)*$/

function fail(message: string): never {
  throw new InvalidOptionError(message)
}

function optionalBool(options: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const value = options[name]
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') fail(`option "${name}" must be true or false, got ${typeof value}`)
  return value
}

function optionalInt(options: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const value = options[name]
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(`option "${name}" must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`)
  }
  return value
}

function optionalObject(options: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const value = options[name]
  if (value === undefined) return undefined
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail(`option "${name}" must be an object`)
  return value as Record<string, unknown>
}

function checkStreamLimits(options: Record<string, unknown>): StreamLimits {
  const limits = optionalObject(options, 'eventStreams') ?? {}
  // Any positive duration: tests and hosts may want streams shorter than the environment's 1 s minimum.
  const int = (name: string, range: IntRange) => optionalInt(limits, name, range.default, 1, range.max)
  return {
    maxPerTenant: int('maxPerTenant', INT_SETTINGS.eventStreamsPerTenant),
    maxTotal: int('maxTotal', INT_SETTINGS.eventStreamsTotal),
    idleTimeoutMs: int('idleTimeoutMs', INT_SETTINGS.eventStreamIdleMs),
    maxLifetimeMs: int('maxLifetimeMs', INT_SETTINGS.eventStreamMaxMs),
  }
}

function checkRetention(options: Record<string, unknown>): JobRetention {
  const retention = optionalObject(options, 'retention') ?? {}
  const keep = (name: 'removeOnComplete' | 'removeOnFail') => {
    const given = optionalObject(retention, name) ?? {}
    const fallback = DEFAULT_RETENTION[name]
    const { count, age } = RETENTION_BOUNDS
    return { count: optionalInt(given, 'count', fallback.count, count.min, count.max), age: optionalInt(given, 'age', fallback.age, age.min, age.max) }
  }
  return { removeOnComplete: keep('removeOnComplete'), removeOnFail: keep('removeOnFail') }
}

function checkRateLimit(options: Record<string, unknown>): { max: number; timeWindowMs: number } | false {
  if (options.rateLimit === undefined || options.rateLimit === false) return false
  const limit = optionalObject(options, 'rateLimit')!
  if (limit.max === undefined || limit.timeWindowMs === undefined) fail('option "rateLimit" needs { max, timeWindowMs } (or false)')
  return { max: optionalInt(limit, 'max', 0, 1, 10_000_000), timeWindowMs: optionalInt(limit, 'timeWindowMs', 0, 100, 24 * 3_600_000) }
}

function checkAuth(auth: unknown): FlashcardAuthOptions {
  if (auth === undefined || auth === null) {
    fail('option "auth" is required: pass { tokens: { "<token>": "<tenant>" } } or { verify: async (token, request) => principal | null }')
  }
  if (typeof auth !== 'object') fail('option "auth" must be an object with "tokens" or "verify"')
  const { verify, tokens } = auth as { verify?: unknown; tokens?: unknown }
  if ((verify === undefined) === (tokens === undefined)) fail('option "auth" needs exactly one of "tokens" and "verify"')
  if (verify !== undefined) {
    if (typeof verify !== 'function') fail('option "auth.verify" must be a function (token, request) => Promise<principal | null>')
    return auth as FlashcardAuthOptions
  }
  if (!tokens || typeof tokens !== 'object' || Array.isArray(tokens)) fail('option "auth.tokens" must be an object mapping token to tenant')
  const entries = Object.entries(tokens as Record<string, unknown>)
  if (entries.length === 0) fail('option "auth.tokens" is empty: no request could ever be authorised')
  entries.forEach(([token, tenant], index) => {
    // Tokens are secrets: errors point at their position, never at their value.
    if (token.length < 8) fail(`option "auth.tokens": token #${index + 1} is shorter than 8 characters`)
    if (typeof tenant !== 'string' || tenant.length === 0 || tenant.length > 128) {
      fail(`option "auth.tokens": the tenant of token #${index + 1} must be a non-empty string of at most 128 characters`)
    }
  })
  return auth as FlashcardAuthOptions
}

function checkDecks(decks: unknown): DeckStore | DeckStoreSettings {
  if (decks === undefined) return { store: 'redis' }
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the linter sees DeckStore (from queue-core's declarations) unresolved; this cast is what lets the checks below read its members
  const candidate = decks as Partial<DeckStore & DeckStoreSettings> | null
  if (candidate && typeof candidate === 'object' && typeof candidate.getDeck === 'function' && typeof candidate.listDecks === 'function') {
    return decks as DeckStore
  }
  if (candidate?.store === 'redis') return { store: 'redis' }
  if (candidate?.store === 'postgres') {
    // The URL holds a password: the message names the option, never the value.
    if (typeof candidate.databaseUrl !== 'string' || !/^postgres(?:ql)?:\/\/./.test(candidate.databaseUrl)) {
      fail('option "decks.databaseUrl" must be a postgres:// or postgresql:// URL when decks.store is "postgres"')
    }
    return { store: 'postgres', databaseUrl: candidate.databaseUrl }
  }
  fail('option "decks" must be a DeckStore (e.g. from createDeckStore) or { store: "redis" } or { store: "postgres", databaseUrl }')
}

function checkConnection(connection: unknown): ConnectionInput {
  const problem = connectionInputProblem(connection)
  if (problem) fail(`option "connection${problem.at}" ${problem.message}`)
  return connection as ConnectionInput
}

/** An option with the same default and bounds as its environment variable (queue-core's `INT_SETTINGS`). */
function setting(options: Record<string, unknown>, name: string, range: IntRange): number {
  return optionalInt(options, name, range.default, range.min, range.max)
}

/** Validates the options at registration, so a misconfiguration stops start-up with one clear line. */
export function resolveOptions(raw: unknown): ResolvedOptions {
  if (!raw || typeof raw !== 'object') fail('options are required: { connection, auth, … }')
  const options = raw as Record<string, unknown>
  const prefix = options.prefix === undefined ? '/api/flashcards' : options.prefix
  if (typeof prefix !== 'string' || !PREFIX_PATTERN.test(prefix)) {
    fail(`option "prefix" must be a path like "/api/flashcards" (or "" for the root), got ${JSON.stringify(prefix)}`)
  }
  const queuePrefix = options.queuePrefix === undefined ? QUEUE_PREFIX_RULE.default : options.queuePrefix
  if (typeof queuePrefix !== 'string' || !QUEUE_PREFIX_RULE.pattern.test(queuePrefix)) {
    fail(`option "queuePrefix" must be ${QUEUE_PREFIX_RULE.allowed}, got ${JSON.stringify(queuePrefix)}`)
  }
  const logStore = options.logStore
  if (logStore !== undefined) {
    const store = logStore as Partial<JobLogStore>
    if (!store || typeof store !== 'object' || typeof store.read !== 'function') {
      fail('option "logStore" must be a JobLogStore (an object with read(jobId)), e.g. from createJobLogStore(config)')
    }
  }
  return {
    connection: checkConnection(options.connection),
    queuePrefix,
    prefix,
    auth: checkAuth(options.auth),
    publicHealth: optionalBool(options, 'publicHealth', false),
    publicMetrics: optionalBool(options, 'publicMetrics', false),
    metrics: optionalBool(options, 'metrics', true),
    openapi: optionalBool(options, 'openapi', true),
    logStore: logStore as JobLogStore | undefined,
    maxQueueDepth: setting(options, 'maxQueueDepth', INT_SETTINGS.maxQueueDepth),
    queueDepthCacheMs: optionalInt(options, 'queueDepthCacheMs', 1_000, 0, 60_000),
    jobAttempts: setting(options, 'jobAttempts', INT_SETTINGS.jobAttempts),
    retention: checkRetention(options),
    bodyLimit: optionalInt(options, 'bodyLimit', 2 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    eventsHeartbeatMs: optionalInt(options, 'eventsHeartbeatMs', 15_000, 100, 3_600_000),
    eventStreams: checkStreamLimits(options),
    rateLimit: checkRateLimit(options),
    maxEventLoopDelayMs: options.maxEventLoopDelayMs === false ? false : optionalInt(options, 'maxEventLoopDelayMs', 0, 10, 60_000) || false,
    decks: checkDecks(options.decks),
    review: optionalBool(options, 'review', false),
  }
}
