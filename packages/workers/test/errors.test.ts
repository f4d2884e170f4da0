import t from 'tap'
import { Queue, QueueEvents, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { redact } from '@flashcards/queue-core'
import {
  ContentNotFoundError,
  ExtractionError,
  ExtractorFailedError,
  FileFailedError,
  FileProblem,
  InvalidJobError,
  NoCardsError,
  ProviderRefusedError,
  ProviderUnavailableError,
  SpeechToTextMissingError,
  WebhookRefusedError,
  isUnrecoverable,
  JobCancelledError,
  JobTimeoutError,
  MalformedOutputError,
  RateLimitedError,
  RefusedAddressError,
  ThreadPoolClosedError,
  UnrecoverableError,
} from '../src/errors.js'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

t.test('the table: named after their class, coded, unrecoverable by class rather than by a borrowed name', async (t) => {
  const cases = [
    { err: new JobCancelledError('j1'), name: 'JobCancelledError', code: 'JOB_CANCELLED', retryable: false, unrecoverable: true },
    { err: new ContentNotFoundError('course c not found'), name: 'ContentNotFoundError', code: 'CONTENT_NOT_FOUND', retryable: false, unrecoverable: true },
    { err: new RateLimitedError(1500.2, 'slow down'), name: 'RateLimitedError', code: 'RATE_LIMITED', retryable: true, unrecoverable: false },
    { err: new JobTimeoutError(100), name: 'JobTimeoutError', code: 'JOB_TIMEOUT', retryable: true, unrecoverable: false },
    { err: new RefusedAddressError('h', '10.0.0.1', 'a private address'), name: 'RefusedAddressError', code: 'EREFUSEDADDRESS', retryable: false, unrecoverable: false },
    { err: new FileProblem('gone', { retryable: false }), name: 'FileProblem', code: 'FILE_PROBLEM', retryable: false, unrecoverable: false },
    { err: new MalformedOutputError('gemini', 'm', ['cards: required']), name: 'MalformedOutputError', code: 'MALFORMED_OUTPUT', retryable: false, unrecoverable: true },
    { err: new InvalidJobError('Invalid generate-module job payload'), name: 'InvalidJobError', code: 'INVALID_JOB', retryable: false, unrecoverable: true },
    { err: new NoCardsError('Module m has no text'), name: 'NoCardsError', code: 'NO_CARDS', retryable: false, unrecoverable: true },
    { err: new FileFailedError('talk.mp3: gone'), name: 'FileFailedError', code: 'FILE_FAILED', retryable: false, unrecoverable: true },
    { err: new SpeechToTextMissingError(), name: 'SpeechToTextMissingError', code: 'STT_NOT_CONFIGURED', retryable: false, unrecoverable: true },
    { err: new WebhookRefusedError('refused to post to h'), name: 'WebhookRefusedError', code: 'WEBHOOK_REFUSED', retryable: false, unrecoverable: true },
    { err: new ProviderRefusedError('gemini refused the credentials'), name: 'ProviderRefusedError', code: 'PROVIDER_REFUSED', retryable: false, unrecoverable: true },
    { err: new ProviderUnavailableError('gemini failed with HTTP 503'), name: 'ProviderUnavailableError', code: 'PROVIDER_UNAVAILABLE', retryable: true, unrecoverable: false },
    // Thrown in the extraction threads, so not BullMQ's class: the processors wrap it in FileFailedError.
    { err: new ExtractionError('a.pdf', 'corrupt', 'corrupt PDF'), name: 'ExtractionError', code: 'EXTRACTION_FAILED', retryable: false, unrecoverable: false },
    // The sandbox's own failures: a module job retries them like any error; a file job asks their retryable flag.
    { err: new ExtractorFailedError('a.pdf: boom'), name: 'ExtractorFailedError', code: 'EXTRACTOR_FAILED', retryable: false, unrecoverable: false },
    { err: new ThreadPoolClosedError('the thread pool is closed'), name: 'ThreadPoolClosedError', code: 'THREAD_POOL_CLOSED', retryable: true, unrecoverable: false },
  ]
  for (const c of cases) {
    t.equal(c.err.name, c.name, `${c.name}: named after its class`)
    t.match(c.err, { code: c.code, retryable: c.retryable, statusCode: Number }, `${c.name}: coded`)
    t.equal(c.err instanceof UnrecoverableError, c.unrecoverable, `${c.name}: ${c.unrecoverable ? 'is' : 'is not'} BullMQ's UnrecoverableError`)
    t.equal(isUnrecoverable(c.err), c.unrecoverable)
    // The runtime throws the redacted copy: it must keep the class.
    t.equal(isUnrecoverable(redact(c.err)), c.unrecoverable, `${c.name}: the same after redaction`)
  }
  t.equal(new RateLimitedError(1500.2, 'x').delayMs, 1501)
  t.equal(new FileProblem('timeout', { retryable: true }).retryable, true, 'a file problem says per case whether it may pass')
  const foreign = Object.assign(new Error('from another copy of bullmq'), { name: 'UnrecoverableError' })
  t.equal(isUnrecoverable(foreign), true, "BullMQ's own test also accepts its class's name")
  t.equal(isUnrecoverable(new Error('boom')), false)
})

t.test('BullMQ fails a job at once on an error of the table that extends UnrecoverableError', async (t) => {
  const prefix = uniquePrefix('errors')
  // BullMQ leaves connections it is given open: each is closed here.
  const connections = [0, 1, 2].map(() => new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null }))
  const [connection, eventsConnection, workerConnection] = connections as [Redis, Redis, Redis]
  const queue = new Queue('errors', { connection, prefix })
  const events = new QueueEvents('errors', { connection: eventsConnection, prefix })
  const throwers: Record<string, () => Error> = {
    cancelled: () => redact(new JobCancelledError('x')) as Error,
    missing: () => redact(new ContentNotFoundError('module m not found')) as Error,
    timeout: () => new JobTimeoutError(5),
  }
  const worker = new Worker('errors', async (job) => Promise.reject(throwers[job.name]!()), { connection: workerConnection, prefix })
  t.teardown(async () => {
    await worker.close()
    await events.close()
    await queue.close()
    await deletePrefix(prefix)
    for (const open of connections) open.disconnect()
  })
  await events.waitUntilReady()
  for (const [name, attemptsMade] of [
    ['cancelled', 1],
    ['missing', 1],
    ['timeout', 2],
  ] as const) {
    const job = await queue.add(name, {}, { attempts: 2, backoff: { type: 'fixed', delay: 10 } })
    await t.rejects(job.waitUntilFinished(events, 10_000))
    const done = await queue.getJob(job.id!)
    t.equal(done?.attemptsMade, attemptsMade, `${name}: ${attemptsMade === 1 ? 'not retried' : 'retried'}`)
  }
})
