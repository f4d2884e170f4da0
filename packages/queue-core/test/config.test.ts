import t from 'tap'
import { loadConfig } from '../src/config/index.js'
import { ConfigError } from '../src/errors.js'

t.test('defaults follow the runbook', async (t) => {
  const config = loadConfig({})
  t.equal(config.redis.url, 'redis://localhost:6379')
  t.equal(config.worker.concurrency, 2)
  t.equal(config.queue.jobAttempts, 3)
  t.equal(config.worker.jobTimeoutMs, 600_000)
  t.equal(config.worker.stalledIntervalMs, 30_000, "the runbook's stalledInterval")
  t.equal(config.worker.lockDurationMs, 30_000)
  t.equal(config.queue.prefix, 'flashcard')
  t.equal(config.logs.store, 'local')
  t.equal(config.logs.dir, 'server/tmp/logs')
  t.equal(config.logs.debug, false)
  t.equal(config.transcription.enqueueModuleJobOnComplete, false)
  t.equal(config.transcription.mockFileUrls, false)
  t.equal(config.llm.provider, 'offline')
  t.equal(config.api.port, 5000)
  t.same(config.decks, { store: 'redis', databaseUrl: undefined }, "decks in the queues' Redis unless told otherwise")
  t.same(config.webhooks, { url: undefined, secret: undefined })
  t.same(config.queue.retention, { removeOnComplete: { count: 1000, age: 86400 }, removeOnFail: { count: 5000, age: 604800 } }, 'a day / 1,000 and a week / 5,000')
})

t.test("the workers' and the example server's own variables are read here too", async (t) => {
  const defaults = loadConfig({})
  t.equal(defaults.worker.shutdownTimeoutMs, 30_000)
  t.same(defaults.extract, { timeoutMs: 120_000, maxHeapMb: 512, threads: 2 })
  t.same(defaults.transcription, {
    localRoot: undefined,
    maxFileBytes: 500 * 1024 * 1024,
    fetchTimeoutMs: 300_000,
    maxRedirects: 5,
    mockFileUrls: false,
    enqueueModuleJobOnComplete: false,
    openaiTranscriptionModel: 'whisper-1',
    s3AllowedBuckets: undefined,
  })
  t.equal(defaults.queue.maxDepth, 100_000, "the runbook's MAX_QUEUE_DEPTH")
  const config = loadConfig({
    SHUTDOWN_TIMEOUT_MS: '5000',
    EXTRACT_THREADS: '4',
    LOCAL_FILE_ROOT: '/srv/media',
    OPENAI_TRANSCRIPTION_MODEL: 'whisper-large',
    API_TOKENS: 'token-123456:tenant-a',
    DASHBOARD_TENANT: 'ops',
    DEBUG: 'ON',
  })
  t.equal(config.worker.shutdownTimeoutMs, 5000)
  t.equal(config.extract.threads, 4)
  t.equal(config.transcription.localRoot, '/srv/media')
  t.equal(config.transcription.openaiTranscriptionModel, 'whisper-large')
  t.equal(config.api.tokens, 'token-123456:tenant-a')
  t.equal(config.api.dashboardTenant, 'ops')
  t.equal(config.logs.debug, true, 'booleans in any case')
})

t.test('blank values take the default', async (t) => {
  t.equal(loadConfig({ WORKER_CONCURRENCY: '  ', QUEUE_PREFIX: '' }).worker.concurrency, 2)
})

t.test('retention variables', async (t) => {
  const config = loadConfig({ KEEP_COMPLETED_JOBS: '50', KEEP_COMPLETED_AGE_S: '3600', KEEP_FAILED_JOBS: '200', KEEP_FAILED_AGE_S: '172800' })
  t.same(config.queue.retention, { removeOnComplete: { count: 50, age: 3600 }, removeOnFail: { count: 200, age: 172800 } })
})

t.test('deck store and webhook variables', async (t) => {
  const config = loadConfig({
    DECK_STORE: 'postgres',
    DATABASE_URL: 'postgres://app:pw@db.internal:5432/flashcards',
    WEBHOOK_URL: 'https://hooks.example.com/flashcards',
    WEBHOOK_SECRET: 'whsec-test',
  })
  t.same(config.decks, { store: 'postgres', databaseUrl: 'postgres://app:pw@db.internal:5432/flashcards' })
  t.same(config.webhooks, { url: 'https://hooks.example.com/flashcards', secret: 'whsec-test' })
})

t.test('the object is frozen, nested parts too', async (t) => {
  const config = loadConfig({})
  t.ok(Object.isFrozen(config))
  t.ok(Object.isFrozen(config.s3))
  t.throws(() => {
    ;(config.worker as { concurrency: number }).concurrency = 9
  })
})

t.test('values are parsed', async (t) => {
  const config = loadConfig({
    REDIS_URL: 'rediss://:pw@cache.internal:6380/2',
    WORKER_CONCURRENCY: '4',
    JOB_ATTEMPTS: '5',
    JOB_TIMEOUT_MS: '1800000',
    QUEUE_PREFIX: 'fc',
    LOG_STORE: 's3',
    S3_BUCKET: 'flashcard-logs',
    DEBUG: 'true',
    ENQUEUE_MODULE_JOB_ON_COMPLETE: 'yes',
    MOCK_FILE_URLS: '1',
    GOOGLE_AI_API_KEY: 'AIzaSyFakeKeyForTests000000000000000000',
  })
  t.equal(config.worker.concurrency, 4)
  t.equal(config.queue.jobAttempts, 5)
  t.equal(config.worker.jobTimeoutMs, 1_800_000)
  t.equal(config.logs.store, 's3')
  t.equal(config.s3.bucket, 'flashcard-logs')
  t.equal(config.logs.debug, true)
  t.equal(config.transcription.enqueueModuleJobOnComplete, true)
  t.equal(config.transcription.mockFileUrls, true)
  t.equal(config.llm.provider, 'gemini', 'a Gemini key selects the gemini provider')
  t.equal(config.llm.geminiApiKey, 'AIzaSyFakeKeyForTests000000000000000000')
})

const bad: [string, Record<string, string>, RegExp][] = [
  ['WORKER_CONCURRENCY=abc', { WORKER_CONCURRENCY: 'abc' }, /WORKER_CONCURRENCY="abc" is invalid: expected an integer from 1 to 1000/],
  ['WORKER_CONCURRENCY=0', { WORKER_CONCURRENCY: '0' }, /WORKER_CONCURRENCY="0" is invalid/],
  ['JOB_ATTEMPTS=-1', { JOB_ATTEMPTS: '-1' }, /JOB_ATTEMPTS="-1" is invalid: expected an integer from 1 to 100/],
  ['JOB_TIMEOUT_MS=1.5', { JOB_TIMEOUT_MS: '1.5' }, /JOB_TIMEOUT_MS="1.5" is invalid/],
  ['STALLED_INTERVAL_MS=500', { STALLED_INTERVAL_MS: '500' }, /STALLED_INTERVAL_MS="500" is invalid: expected an integer from 1000/],
  ['LOG_STORE=ftp', { LOG_STORE: 'ftp' }, /LOG_STORE="ftp" is invalid: expected one of local, s3/],
  ['REDIS_URL=http://x', { REDIS_URL: 'http://x' }, /REDIS_URL="http:\/\/x" is invalid: expected redis:\/\//],
  ['DEBUG=maybe', { DEBUG: 'maybe' }, /DEBUG="maybe" is invalid: expected true or false/],
  ['QUEUE_PREFIX with a space', { QUEUE_PREFIX: 'a b' }, /QUEUE_PREFIX="a b" is invalid/],
  ['LOG_STORE=s3 without bucket', { LOG_STORE: 's3' }, /S3_BUCKET is required when LOG_STORE=s3/],
  ['LLM_PROVIDER=gemini without key', { LLM_PROVIDER: 'gemini' }, /needs GEMINI_API_KEY/],
  ['LLM_PROVIDER=openai-compatible without URL', { LLM_PROVIDER: 'openai-compatible' }, /needs OPENAI_BASE_URL/],
  [
    'LLM_PROVIDER=openai-compatible without model',
    { LLM_PROVIDER: 'openai-compatible', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' },
    /needs OPENAI_MODEL \(for example llama3.1:8b\)/,
  ],
  ['DECK_STORE=mysql', { DECK_STORE: 'mysql' }, /DECK_STORE="mysql" is invalid: expected one of redis, postgres/],
  ['DECK_STORE=postgres without URL', { DECK_STORE: 'postgres' }, /DECK_STORE=postgres needs DATABASE_URL/],
  ['DATABASE_URL not postgres', { DATABASE_URL: 'mysql://x' }, /DATABASE_URL=\(value hidden\) is invalid: expected a postgres:\/\//],
  ['WEBHOOK_URL without secret', { WEBHOOK_URL: 'https://x.example' }, /WEBHOOK_URL needs WEBHOOK_SECRET/],
  ['WEBHOOK_URL not http', { WEBHOOK_URL: 'ftp://x', WEBHOOK_SECRET: 's' }, /WEBHOOK_URL="ftp:\/\/x" is invalid/],
  ['KEEP_COMPLETED_JOBS=0', { KEEP_COMPLETED_JOBS: '0' }, /KEEP_COMPLETED_JOBS="0" is invalid: expected an integer from 1 to 10000000/],
  ['KEEP_COMPLETED_AGE_S=1d', { KEEP_COMPLETED_AGE_S: '1d' }, /KEEP_COMPLETED_AGE_S="1d" is invalid: expected an integer from 1 to 31622400/],
  ['KEEP_FAILED_JOBS=-5', { KEEP_FAILED_JOBS: '-5' }, /KEEP_FAILED_JOBS="-5" is invalid/],
  ['KEEP_FAILED_AGE_S=0.5', { KEEP_FAILED_AGE_S: '0.5' }, /KEEP_FAILED_AGE_S="0.5" is invalid/],
  ['SHUTDOWN_TIMEOUT_MS=500', { SHUTDOWN_TIMEOUT_MS: '500' }, /SHUTDOWN_TIMEOUT_MS="500" is invalid: expected an integer from 1000 to 86400000/],
  ['EXTRACT_MAX_HEAP_MB=8', { EXTRACT_MAX_HEAP_MB: '8' }, /EXTRACT_MAX_HEAP_MB="8" is invalid: expected an integer from 32 to 65536/],
  ['MAX_FILE_BYTES=lots', { MAX_FILE_BYTES: 'lots' }, /MAX_FILE_BYTES="lots" is invalid: expected an integer from 1 to/],
  ['API_TOKENS is never echoed', { API_TOKENS: 'secret-token-value:tenant', PORT: 'x' }, /^(?![\s\S]*secret-token-value)[\s\S]*PORT="x" is invalid/],
  ['OPENAI_BASE_URL not http', { OPENAI_BASE_URL: 'ftp://x' }, /OPENAI_BASE_URL="ftp:\/\/x" is invalid/],
]
for (const [name, env, pattern] of bad) {
  t.test(`rejects ${name}`, async (t) => {
    const err = t.throws(() => loadConfig(env)) as unknown as ConfigError
    t.type(err, ConfigError)
    t.match(err.message, pattern)
  })
}

t.test('every problem is reported at once', async (t) => {
  const err = t.throws(() => loadConfig({ WORKER_CONCURRENCY: 'x', JOB_ATTEMPTS: '0' })) as unknown as ConfigError
  t.equal(err.problems.length, 2)
})

t.test('secret values never appear in the message', async (t) => {
  const err = t.throws(() => loadConfig({ REDIS_URL: 'redis://:hunter2-secret@host:notaport', LLM_PROVIDER: 'nope', GEMINI_API_KEY: 'AIzaSecretValue' })) as unknown as ConfigError
  t.notMatch(err.message, /hunter2-secret/)
  t.notMatch(err.message, /AIzaSecretValue/)
  t.match(err.message, /REDIS_URL="redis:\/\/:\[REDACTED\]@host:notaport"/)
})
