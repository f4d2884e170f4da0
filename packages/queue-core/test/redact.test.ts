import t from 'tap'
import { REDACTED, isSecretKey, redact, redactText } from '../src/job-log/redact.js'
import { registerSecrets } from '../src/job-log/known-secrets.js'
import { redactLogLine } from '../src/job-log/log-redaction.js'

t.test('redactText: every kind of credential in free text', async (t) => {
  const cases: [string, string][] = [
    ['Authorization: Bearer abc.def-ghi_123', 'Authorization: Bearer [REDACTED]'],
    ['authorization="Basic dXNlcjpwYXNz"', 'authorization="Basic [REDACTED]"'],
    ['request failed (bearer tok_live_4242424242)', 'request failed (bearer [REDACTED])'],
    ['key AIzaSyD-planted-google-key-0123456789abc used', 'key [REDACTED] used'],
    ['AKIAIOSFODNN7EXAMPLE / ASIAY34FZKBOKMUTVV7A', '[REDACTED] / [REDACTED]'],
    ['connect redis://:s3cr3t@cache:6379/0 failed', 'connect redis://:[REDACTED]@cache:6379/0 failed'],
    ['postgres://app:pw@db.internal/x', 'postgres://app:[REDACTED]@db.internal/x'],
    ['redis+sentinel://:pw@s1:26379,s2:26379/mymaster', 'redis+sentinel://:[REDACTED]@s1:26379,s2:26379/mymaster'],
    ['GEMINI_API_KEY=abc123 and OPENAI_API_KEY: xyz', 'GEMINI_API_KEY=[REDACTED] and OPENAI_API_KEY: [REDACTED]'],
    ['{"password":"hunter 2","api_key":\'zz\'}', '{"password":"[REDACTED]","api_key":\'[REDACTED]\'}'],
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG', 'aws_secret_access_key = [REDACTED]'],
    ['GET /v1beta/models?key=xyz&alt=json', 'GET /v1beta/models?key=[REDACTED]&alt=json'],
    ['https://b.s3.amazonaws.com/k?X-Amz-Credential=AK%2F1&X-Amz-Signature=ab12', 'https://b.s3.amazonaws.com/k?X-Amz-Credential=[REDACTED]&X-Amz-Signature=[REDACTED]'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAA\n-----END RSA PRIVATE KEY-----\ntail', '[REDACTED]\ntail'],
    ['cut: -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC', 'cut: [REDACTED]'],
    ['sk-proj-abcdefghijklmnopqrstuvwxyz0123 ghp_abcdefghijklmnopqrstuvwxyz0123456789', '[REDACTED] [REDACTED]'],
    ['xoxb-1234567890-abcdefghij', '[REDACTED]'],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl', 'jwt [REDACTED]'],
    ['Cookie: session=abc123', 'Cookie: [REDACTED]'],
  ]
  for (const [input, expected] of cases) t.equal(redactText(input), expected, input)
})

t.test('redactText leaves ordinary text alone', async (t) => {
  const plain = [
    'Job started for module mod-hr-101',
    'Bearer bonds pay the holder.', // course content: a short word after "bearer" is not a token
    'usage: 1200 tokens; max_tokens=4096; tokens: 12',
    'see http://host:8080/path?a=b@c and https://example.com/a?b=c',
    'Q: What is a cloze card? A: a sentence with {{c1::gaps}}',
    'key concepts: onboarding, payroll',
    'mailto user@example.com',
  ]
  for (const text of plain) t.equal(redactText(text), text, text)
})

t.test('redactText is idempotent', async (t) => {
  const once = redactText('password=hunter2 "token":"abc" Authorization: Bearer abcdefghij redis://:pw@h ?key=k')
  t.equal(redactText(once), once)
  t.notMatch(once, /hunter2|abcdefghij|:pw@|key=k\b/)
})

t.test('isSecretKey: names of secrets, not of counts', async (t) => {
  const secret = [
    'apiKey',
    'api_key',
    'APIKey',
    'x-api-key',
    'x-goog-api-key',
    'GEMINI_API_KEY',
    'token',
    'accessToken',
    'refresh_token',
    'secret',
    'client_secret',
    'secretAccessKey',
    'accessKeyId',
    'privateKey',
    'password',
    'PASSWORD',
    'passwordHash',
    'authorization',
    'Authorization',
    'cookie',
    'Set-Cookie',
    'credentials',
    'basicAuth',
  ]
  const plain = ['key', 'Key', 'cacheKey', 'inputTokens', 'totalTokenCount', 'tokenCount', 'max_tokens', 'author', 'authorized', 'module_id', 'step', 'message']
  for (const key of secret) t.ok(isSecretKey(key), key)
  for (const key of plain) t.notOk(isSecretKey(key), key)
})

t.test('redact: secret keys at any depth, in arrays, any case', async (t) => {
  const input = {
    module_id: 'mod-1',
    config: { API_KEY: 'k1', nested: [{ Password: 'p1' }, { list: [{ sessionToken: 't1' }] }] },
    headers: { Authorization: 'Bearer zzzzzzzzzz', cookie: 'sid=1', accept: 'application/json' },
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalr' },
    apiKey: null,
    hasPassword: true,
    token: 1234,
  }
  t.same(redact(input), {
    module_id: 'mod-1',
    config: { API_KEY: REDACTED, nested: [{ Password: REDACTED }, { list: [{ sessionToken: REDACTED }] }] },
    headers: { Authorization: REDACTED, cookie: REDACTED, accept: 'application/json' },
    credentials: REDACTED,
    apiKey: null,
    hasPassword: true,
    token: REDACTED,
  })
  t.equal(input.config.API_KEY, 'k1', 'the input is not modified')
})

t.test('redact: values anywhere, and keys that are themselves secrets', async (t) => {
  const out = redact({ note: 'use AIzaSyD-planted-google-key-0123456789abc', urls: ['redis://:pw@h:1'], tenants: { 'Bearer tok_live_4242424242': 'acme' } })
  t.same(out, { note: `use ${REDACTED}`, urls: [`redis://:${REDACTED}@h:1`], tenants: { [`Bearer ${REDACTED}`]: 'acme' } })
})

t.test('redact: errors keep their shape, lose their secrets', async (t) => {
  const cause = new Error('redis://:pw@cache:6379 refused')
  const error = new TypeError('Gemini said 403 for key AIzaSyD-planted-google-key-0123456789abc', { cause }) as TypeError & Record<string, unknown>
  error.request = { headers: { 'x-goog-api-key': 'AIzaSyD-planted-google-key-0123456789abc' } }
  error.status = 403
  const out = redact({ err: error }) as { err: TypeError & Record<string, unknown> }
  t.ok(out.err instanceof TypeError, "same prototype, so instanceof and pino's err serializer work")
  t.not(out.err, error)
  t.equal(out.err.message, `Gemini said 403 for key ${REDACTED}`)
  t.match(out.err.stack, /^TypeError: Gemini said 403 for key \[REDACTED\]\n\s+at /)
  t.equal(out.err.status, 403)
  t.same(out.err.request, { headers: { 'x-goog-api-key': REDACTED } })
  t.equal((out.err.cause as Error).message, `redis://:${REDACTED}@cache:6379 refused`)
  const json = JSON.parse(JSON.stringify(out))
  t.same(Object.keys(json.err).sort(), ['cause', 'message', 'name', 'request', 'stack', 'status'], 'message and stack survive JSON')
  t.notMatch(JSON.stringify(out), /AIza|:pw@/)

  class Strict extends Error {
    override get name() {
      return 'Strict'
    }
  }
  t.equal((redact(new Strict('password=x')) as Error).message, `password=${REDACTED}`, 'getter-only name on the prototype')
  const aggregate = redact(new AggregateError([new Error('token=abc')], 'many')) as AggregateError
  t.equal((aggregate.errors[0] as Error).message, `token=${REDACTED}`)
})

t.test('redact: cycles, Buffers, Maps, Sets, Dates, URLs, functions, __proto__', async (t) => {
  const node: Record<string, unknown> = { name: 'a' }
  node.self = node
  const shared = { v: 1 }
  const out = redact({
    node,
    twice: [shared, shared],
    buf: Buffer.from('password=hunter2'),
    bytes: new Uint8Array(3),
    map: new Map<unknown, unknown>([
      ['token', 't'],
      ['plain', 'redis://:pw@h'],
    ]),
    set: new Set(['AKIAIOSFODNN7EXAMPLE']),
    date: new Date(0),
    url: new URL('https://u:pw@example.com/'),
    fn: () => 1,
    big: 10n,
  })
  t.same(out, {
    node: { name: 'a', self: '[Circular]' },
    twice: [{ v: 1 }, { v: 1 }],
    buf: '[Buffer 16 bytes]',
    bytes: '[Uint8Array 3 bytes]',
    map: { token: REDACTED, plain: `redis://:${REDACTED}@h` },
    set: [REDACTED],
    date: '1970-01-01T00:00:00.000Z',
    url: `https://u:${REDACTED}@example.com/`,
    fn: undefined,
    big: 10n,
  })
  const parsed = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}')
  const copy = redact(parsed) as Record<string, unknown>
  t.equal(Object.getPrototypeOf(copy), Object.prototype, 'a __proto__ key stays a plain property')
  t.same(Object.keys(copy), ['__proto__', 'a'])
  let deep: Record<string, unknown> = {}
  const root = deep
  for (let i = 0; i < 200; i++) deep = deep.next = {}
  t.match(JSON.stringify(redact(root)), /\[Too deep\]/, 'very deep input is cut, not a stack overflow')
  t.equal(redact('Bearer abcdefghijk'), `Bearer ${REDACTED}`)
  t.equal(redact(42), 42)
})

t.test('redact is fast enough to run on every pino log line', async (t) => {
  const line = {
    level: 30,
    time: 1765497600000,
    pid: 4242,
    hostname: 'worker-1',
    queue: 'orchestrator',
    jobId: '5f0c6f7e-2a43-4a59-9a57-7d0d0f6f1c1e',
    module_id: 'mod-hr-101',
    attempt: 1,
    usage: { inputTokens: 1200, outputTokens: 300, totalTokenCount: 1500 },
    msg: 'stage B produced 12 cards in 1834 ms',
  }
  const lines = 20_000
  const started = process.hrtime.bigint()
  for (let i = 0; i < lines; i++) redact({ ...line, attempt: i })
  const perLineUs = Number(process.hrtime.bigint() - started) / 1000 / lines
  t.comment(`redact: ${perLineUs.toFixed(2)} µs per log line`)
  // Generous bound (a 2-core CI box under load): pino itself spends a few µs per line.
  t.ok(perLineUs < 100, `${perLineUs.toFixed(2)} µs per line`)
})

t.test('a URL password containing @ or : is hidden whole', async (t) => {
  t.equal(redactText('connect redis://:Redis@Pw9@cache:6379 failed'), 'connect redis://:[REDACTED]@cache:6379 failed')
  t.equal(redactText('redis://u:a:b@c@n1:6379,n2:6379'), 'redis://u:[REDACTED]@n1:6379,n2:6379')
  t.equal(redactText('see https://host:8080/path?to=a@b.example'), 'see https://host:8080/path?to=a@b.example', 'a port is not a password')
})

t.test('registered secret values are replaced wherever they appear', async (t) => {
  const key = `planted-${Math.random().toString(36).slice(2)}-key`
  t.equal(redactText(`Incorrect API key provided ${key}.`), `Incorrect API key provided ${key}.`, 'unknown: no pattern matches it')
  registerSecrets(key, 'short')
  t.equal(redactText(`Incorrect API key provided ${key}.`), 'Incorrect API key provided [REDACTED].')
  t.equal(redactText(`url encoded ${encodeURIComponent(`${key}@x`)}`), `url encoded ${encodeURIComponent(`${key}@x`)}`.replace(key, REDACTED))
  t.equal(redactText('a short word stays'), 'a short word stays', 'values under 6 characters are not registered')
  t.same(redact({ message: `echo ${key}` }), { message: 'echo [REDACTED]' })
})

t.test('redactLogLine: the message, objects and serialized errors of a pino line', async (t) => {
  const line = JSON.stringify({ level: 50, msg: 'bad key AIzaSyD-planted-google-key-0123456789abc', err: { message: 'redis://:p@w@h failed' }, apiKey: 'x' })
  t.same(JSON.parse(redactLogLine(`${line}\n`)), { level: 50, msg: 'bad key [REDACTED]', err: { message: 'redis://:[REDACTED]@h failed' }, apiKey: REDACTED })
  t.ok(redactLogLine(line).endsWith('\n'), 'still one line')
  t.equal(redactLogLine('not json Bearer abcdefghijkl'), 'not json Bearer [REDACTED]')
})
