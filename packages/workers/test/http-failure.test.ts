/**
 * The one HTTP-failure classifier of the LLM providers and speech-to-text: 429 waits the server's
 * delay without using an attempt, 5xx and 408 are retried with backoff, any other 4xx fails the
 * job at once (naming the variable to fix where one is to blame).
 */
import t from 'tap'
import { ProviderRefusedError, ProviderUnavailableError, RateLimitedError, isUnrecoverable } from '../src/errors.js'
import { classifyHttpFailure, DEFAULT_RATE_LIMIT_DELAY_MS, type HttpFailure } from '../src/providers/http-failure.js'

const failure = (status: number, body: unknown = '', extra: Partial<HttpFailure> = {}): Error =>
  classifyHttpFailure({ provider: 'test-llm', status, body, keyVariables: 'TEST_API_KEY', modelVariable: 'TEST_MODEL', ...extra })

t.test('429 is rate limited, for the delay the server asks', async (t) => {
  const header = failure(429, '', { retryAfter: '12' })
  t.type(header, RateLimitedError)
  t.equal((header as RateLimitedError).delayMs, 12_000, 'Retry-After in seconds')
  t.notOk(isUnrecoverable(header))

  // The Google SDK puts the JSON body after a prefix in its message.
  const google = failure(
    429,
    'got status: 429 Too Many Requests. {"error":{"code":429,"message":"slow down","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"37s"}]}}',
  )
  t.equal((google as RateLimitedError).delayMs, 37_000, "Google's RetryInfo")
  t.match(google.message, /slow down/)

  t.equal((failure(429) as RateLimitedError).delayMs, DEFAULT_RATE_LIMIT_DELAY_MS, 'no delay given: the default')
  const date = new Date(Date.now() + 60_000).toUTCString()
  t.ok((failure(429, '', { retryAfter: date }) as RateLimitedError).delayMs > 50_000, 'Retry-After as an HTTP date')
})

t.test("429 for the day's quota fails at once", async (t) => {
  const err = failure(429, { error: { code: 'insufficient_quota', message: 'You exceeded your current quota' } })
  t.type(err, ProviderRefusedError)
  t.ok(isUnrecoverable(err))
  t.match(err.message, /daily quota is exhausted/)
})

t.test('5xx and 408 are transient: retried with backoff, the same for LLMs and speech-to-text', async (t) => {
  for (const status of [500, 502, 503, 504, 408]) {
    const err = failure(status, 'busy')
    t.type(err, ProviderUnavailableError, `HTTP ${status}`)
    t.equal((err as ProviderUnavailableError).retryable, true)
    t.notOk(isUnrecoverable(err), `HTTP ${status} uses an attempt, not a queue pause`)
    t.notOk(err instanceof RateLimitedError)
  }
})

t.test('other 4xx are permanent', async (t) => {
  for (const [status, body, pattern] of [
    [401, { error: { message: 'Incorrect API key' } }, /refused the credentials \(HTTP 401\): Incorrect API key\. Check TEST_API_KEY/],
    [403, '', /refused the credentials \(HTTP 403\)\. Check TEST_API_KEY/],
    [400, { error: { message: 'API key not valid', details: [{ reason: 'API_KEY_INVALID' }] } }, /refused the credentials .*Check TEST_API_KEY/],
    [404, { error: 'model not found' }, /HTTP 404: model not found\. Check TEST_MODEL and the base URL/],
    [400, 'bad request', /rejected the request \(HTTP 400\): bad request/],
    [422, '', /rejected the request \(HTTP 422\)$/],
  ] as const) {
    const err = failure(status, body)
    t.type(err, ProviderRefusedError, `HTTP ${status}`)
    t.ok(isUnrecoverable(err))
    t.equal((err as ProviderRefusedError).code, 'PROVIDER_REFUSED')
    t.match(err.message, pattern)
  }
})
