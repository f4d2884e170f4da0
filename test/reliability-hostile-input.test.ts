/*
 * Hostile input against the example API server process: over a thousand generated malformed
 * requests across every route (bodies, params, query strings, headers, content types, invalid
 * JSON, prototype-pollution keys, over-long strings, path traversal) are all refused with a 4xx,
 * never a 5xx, and leave Redis exactly as it was. And a transcription file URL on loopback or the
 * cloud metadata address is refused by the worker unless ALLOW_PRIVATE_FILE_URLS=true.
 */
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { Redis } from 'ioredis'
import { assertValid, checkTarget, FlashcardQueues, GenerateBatchBody, TranscriptionBody } from '@flashcards/queue-core'
import { closeHttpAgent, mapLimit, rawRequest, type ApiResponse } from './support/http-client.js'
import { tailOf, waitFor } from '@flashcards/test-support'
import { startApiServer, startWorkerCli, tempDir, waitForWorkerStarted } from './support/processes.js'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

const TOKEN = `fuzz-${randomUUID()}`
t.teardown(closeHttpAgent)

interface FuzzCase {
  name: string
  method: string
  path: string
  headers?: Record<string, string>
  body?: string
}

/** A small seeded PRNG (mulberry32): the same cases on every run, so a failure can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

/** Values no field of the API accepts where an identifier, enum, integer or object is expected. */
const HOSTILE_VALUES: unknown[] = [
  null,
  '',
  ' ',
  '..',
  '../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '/etc/passwd',
  'C:\\Windows\\win.ini',
  'a/b',
  '.hidden',
  '__proto__',
  'x'.repeat(129),
  'y'.repeat(100_000),
  'émoji-🙂',
  'nul\u0000byte',
  '<script>alert(1)</script>',
  "' OR '1'='1",
  -1,
  0,
  1.5,
  1e308,
  Number.MAX_SAFE_INTEGER + 2,
  true,
  [],
  [null],
  {},
  { $gt: '' },
  JSON.parse('{"__proto__":{"polluted":true}}'),
  { constructor: { prototype: { polluted: true } } },
]

const VALID_GENERATE = {
  mode: 'single_module',
  target: { course_id: 'course-fuzz', module_id: 'mod-fuzz' },
  settings: { target_card_count: 5, card_types: ['basic'], language: 'en' },
  content: { format: 'markdown', text: '# Fuzz\n\nValid text.' },
}
const VALID_TRANSCRIPTION = {
  module_id: 'mod-fuzz',
  course_id: 'course-fuzz',
  files: [{ file_id: 'intro', url: 'https://cdn.example.com/intro.mp4', mime_type: 'video/mp4' }],
  settings: { target_card_count: 5 },
}

/** Every path to a leaf or object of a JSON value, as key lists. */
function fieldPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix]
  const children = Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => fieldPaths(child, [...prefix, key]))
  return prefix.length === 0 ? children : [prefix, ...children]
}

function setPath(value: unknown, path: string[], replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string, unknown>
  let node = copy
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>
  node[path.at(-1)!] = replacement
  return copy
}

/** JSON.stringify that keeps a literal "__proto__" key (object spread would turn it into a prototype). */
function withRawKey(body: unknown, key: string, value: unknown): string {
  const json = JSON.stringify(body)
  return `{${JSON.stringify(key)}:${JSON.stringify(value)},${json.slice(1)}`
}

/**
 * True when the API would accept the body (queue-core's own schemas and mode rules): such a case
 * is not malformed and is left out, so every generated case must be refused.
 */
function acceptable(route: string, raw: string): boolean {
  let body: unknown
  try {
    body = JSON.parse(raw)
  } catch {
    return false
  }
  try {
    if (route === '/orchestrator/generate-batch') checkTarget(assertValid(GenerateBatchBody, body, 'body'))
    else assertValid(TranscriptionBody, body, 'body')
    return true
  } catch {
    return false
  }
}

function generateCases(): FuzzCase[] {
  const json = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }
  const cases: FuzzCase[] = []
  const post = (name: string, path: string, body: string, headers: Record<string, string> = json) => {
    if (headers['content-type'] === 'application/json' && acceptable(path, body)) return
    cases.push({ name, method: 'POST', path, headers, body })
  }

  // 1. Every field of both bodies replaced by every hostile value.
  for (const [route, valid] of [
    ['/orchestrator/generate-batch', VALID_GENERATE],
    ['/transcription/jobs', VALID_TRANSCRIPTION],
  ] as const) {
    for (const path of fieldPaths(valid)) {
      for (const value of HOSTILE_VALUES) {
        post(`${route} ${path.join('.')}=${JSON.stringify(value)?.slice(0, 40)}`, route, JSON.stringify(setPath(valid, path, value)))
      }
    }
    // 2. Prototype-pollution and unknown keys at the top and nested.
    for (const key of ['__proto__', 'constructor', 'prototype', 'extra', '$where']) {
      post(`${route} top-level key ${key}`, route, withRawKey(valid, key, { polluted: true }))
      const nestedKey = route.includes('generate') ? 'target' : 'files'
      const nested = structuredClone(valid) as Record<string, unknown>
      const inner = route.includes('generate') ? (nested.target as Record<string, unknown>) : (nested.files as Record<string, unknown>[])[0]!
      post(`${route} ${nestedKey} key ${key}`, route, JSON.stringify(nested).replace(JSON.stringify(inner), withRawKey(inner, key, { polluted: true })))
    }
    // 3. Invalid JSON and non-object JSON.
    for (const raw of [
      '{',
      '{"mode":',
      '}',
      '[]',
      'null',
      '0',
      '"text"',
      'true',
      '{"a":1,}',
      "{'mode':'course'}",
      '{"mode":"course"}garbage',
      '\u0000',
      '['.repeat(5_000),
      '{"a":'.repeat(2_000),
    ]) {
      post(`${route} invalid body ${JSON.stringify(raw.slice(0, 20))}`, route, raw)
    }
    // 4. Wrong content types, and JSON sent without one.
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonx', 'json', '']) {
      post(`${route} content-type ${JSON.stringify(type)}`, route, JSON.stringify(valid), { authorization: `Bearer ${TOKEN}`, ...(type ? { 'content-type': type } : {}) })
    }
    post(`${route} empty JSON body`, route, '')
    post(`${route} 3 MB body`, route, JSON.stringify({ ...valid, padding: 'p'.repeat(3 * 1024 * 1024) }))
  }

  // 5. Mode rules a JSON schema alone does not express.
  const modeRules: unknown[] = [
    { mode: 'single_module', target: { course_id: 'c1' } },
    { mode: 'single_module', target: { course_id: 'c1', module_id: 'm1', module_ids: ['m2'] } },
    { mode: 'modules', target: { course_id: 'c1', module_id: 'm1' } },
    { mode: 'modules', target: { course_id: 'c1', module_ids: [] } },
    { mode: 'modules', target: { course_id: 'c1', module_ids: ['m1', 'm1'] } },
    { mode: 'modules', target: { course_id: 'c1', module_ids: Array.from({ length: 101 }, (_, i) => `m${i}`) } },
    { mode: 'modules', target: { course_id: 'c1', module_ids: ['m1'] }, content: { format: 'text', text: 'x' } },
    { mode: 'course', target: { course_id: 'c1', module_id: 'm1' } },
    { mode: 'course', target: { course_id: 'c1' }, content: { format: 'text', text: 'x' } },
    { mode: 'single_module', target: { course_id: 'c1', module_id: 'm1' }, settings: { target_card_count: 201 } },
    { mode: 'single_module', target: { course_id: 'c1', module_id: 'm1' }, settings: { card_types: ['basic', 'basic'] } },
    { mode: 'single_module', target: { course_id: 'c1', module_id: 'm1' }, content: { format: 'text', text: 't'.repeat(500_001) } },
  ]
  for (const [i, body] of modeRules.entries()) post(`generate-batch mode rule #${i}`, '/orchestrator/generate-batch', JSON.stringify(body))
  const files51 = Array.from({ length: 51 }, (_, i) => ({ file_id: `f${i}`, url: 'https://cdn.example.com/f.txt' }))
  post('transcription 51 files', '/transcription/jobs', JSON.stringify({ ...VALID_TRANSCRIPTION, files: files51 }))
  post('transcription url 2049 chars', '/transcription/jobs', JSON.stringify({ ...VALID_TRANSCRIPTION, files: [{ file_id: 'f', url: `https://x/${'a'.repeat(2040)}` }] }))

  // 6. Hostile job ids on every job route (raw paths: no client-side normalisation).
  const ids = [
    '..',
    '../..',
    '..%2f..%2fetc%2fpasswd',
    '%2e%2e',
    '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '....//....//etc/passwd',
    '..\\..\\windows',
    '__proto__',
    'constructor',
    'prototype',
    'x'.repeat(65),
    'z'.repeat(4_000),
    '%00',
    'a%00b',
    'a%20b',
    '%3Cscript%3E',
    "'%20OR%201=1",
    '*',
    '%2A',
    'job%3Fx',
    'caf%C3%A9',
    '%F0%9F%99%82',
    '-',
    '0',
    randomUUID(),
    '%',
    '%zz',
    'a;b',
    'a$b',
  ]
  const jobRoutes: [string, (id: string) => string][] = [
    ['GET', (id) => `/orchestrator/jobs/${id}`],
    ['DELETE', (id) => `/orchestrator/jobs/${id}`],
    ['POST', (id) => `/orchestrator/jobs/${id}/retry`],
    ['GET', (id) => `/orchestrator/jobs/${id}/logs`],
    ['GET', (id) => `/orchestrator/jobs/${id}/events`],
    ['GET', (id) => `/transcription/jobs/${id}`],
    ['GET', (id) => `/transcription/jobs/${id}/events`],
  ]
  for (const [method, route] of jobRoutes) {
    for (const id of ids) cases.push({ name: `${method} ${route(':id')} id=${id.slice(0, 30)}`, method, path: route(id), headers: { authorization: `Bearer ${TOKEN}` } })
  }
  // Traversal out of the prefix and unknown routes and methods.
  for (const path of [
    '/../../etc/passwd',
    '/orchestrator/../../../etc/passwd',
    '/orchestrator/jobs/a/b/c',
    '/orchestrator/generate-batch/..',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/orchestrator//jobs',
    '/orchestrator/jobs/%2F',
  ]) {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) cases.push({ name: `${method} ${path}`, method, path, headers: { authorization: `Bearer ${TOKEN}` } })
  }
  for (const method of ['PUT', 'PATCH']) {
    for (const path of ['/orchestrator/generate-batch', '/orchestrator/jobs', '/transcription/jobs'])
      cases.push({ name: `${method} ${path}`, method, path, headers: json, body: JSON.stringify(VALID_GENERATE) })
  }

  // 7. Query strings.
  const queries = [
    'state=bogus',
    'state=',
    'state[]=active',
    'limit=0',
    'limit=101',
    'limit=-5',
    'limit=abc',
    'limit=1e3',
    'offset=-1',
    'offset=100001',
    'offset=x',
    'module_id=' + 'm'.repeat(200),
    'course_id=' + 'c'.repeat(200),
    'extra=1',
    '__proto__[polluted]=1',
    '__proto__=x',
    'constructor[prototype][polluted]=1',
    'limit=1&limit=2',
    'state=active&state=failed',
    '%zz=1',
    'limit=%00',
    'a'.repeat(5_000) + '=1',
  ]
  for (const query of queries)
    cases.push({ name: `GET /orchestrator/jobs?${query.slice(0, 40)}`, method: 'GET', path: `/orchestrator/jobs?${query}`, headers: { authorization: `Bearer ${TOKEN}` } })
  for (const query of ['link=maybe', 'link=2', 'link[]=1', 'extra=1', '__proto__[x]=1']) {
    cases.push({ name: `GET logs?${query}`, method: 'GET', path: `/orchestrator/jobs/${randomUUID()}/logs?${query}`, headers: { authorization: `Bearer ${TOKEN}` } })
  }

  // 8. Hostile Authorization and other headers on every route.
  const authHeaders = [
    '',
    'Bearer',
    'Bearer ',
    'Basic dXNlcjpwYXNz',
    `Bearer ${TOKEN} extra`,
    `Bearer ${TOKEN.slice(0, -1)}`,
    `Bearer ${'t'.repeat(8_000)}`,
    `bearer${TOKEN}`,
    `Token ${TOKEN}`,
    'Bearer __proto__',
    'Bearer constructor',
    `Bearer ${TOKEN}\t\tx`,
    'Bearer %00',
  ]
  const everyRoute: [string, string][] = [
    ['POST', '/orchestrator/generate-batch'],
    ['GET', '/orchestrator/jobs'],
    ['GET', `/orchestrator/jobs/${randomUUID()}`],
    ['DELETE', `/orchestrator/jobs/${randomUUID()}`],
    ['POST', `/orchestrator/jobs/${randomUUID()}/retry`],
    ['GET', `/orchestrator/jobs/${randomUUID()}/logs`],
    ['GET', `/orchestrator/jobs/${randomUUID()}/events`],
    ['POST', '/transcription/jobs'],
    ['GET', `/transcription/jobs/${randomUUID()}`],
    ['GET', `/transcription/jobs/${randomUUID()}/events`],
  ]
  for (const [method, path] of everyRoute) {
    const body = method === 'POST' ? JSON.stringify(path.includes('transcription') ? VALID_TRANSCRIPTION : VALID_GENERATE) : undefined
    for (const auth of authHeaders) {
      cases.push({
        name: `${method} ${path.slice(0, 30)} authorization=${JSON.stringify(auth.slice(0, 20))}`,
        method,
        path,
        headers: { 'content-type': 'application/json', authorization: auth },
        ...(body ? { body } : {}),
      })
    }
    cases.push({ name: `${method} ${path.slice(0, 30)} 40 KB header`, method, path, headers: { authorization: `Bearer ${TOKEN}`, 'x-padding': 'h'.repeat(40_000) } })
  }

  // 9. Random structures: seeded mutations of the valid bodies with random hostile values and keys.
  const random = prng(8)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
  for (let i = 0; i < 300; i++) {
    const [route, valid] = random() < 0.5 ? (['/orchestrator/generate-batch', VALID_GENERATE] as const) : (['/transcription/jobs', VALID_TRANSCRIPTION] as const)
    let body: unknown = valid
    const mutations = 1 + Math.floor(random() * 3)
    const applied: string[] = []
    for (let m = 0; m < mutations; m++) {
      const path = pick(fieldPaths(body))
      const value = pick(HOSTILE_VALUES)
      body = setPath(body, path, value)
      applied.push(`${path.join('.')}=${JSON.stringify(value)?.slice(0, 20)}`)
    }
    post(`random #${i} ${route} ${applied.join(' ')}`, route, JSON.stringify(body))
  }
  return cases
}

/** Every key under the prefix with its type: the test's picture of what Redis holds. */
async function snapshot(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = []
  let cursor = '0'
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
    cursor = next
    keys.push(...batch)
  } while (cursor !== '0')
  return keys.filter((key) => !key.includes(':x:heartbeat')).sort()
}

t.test('over a thousand malformed requests on every route: only 4xx, never 5xx, nothing enqueued', async (t) => {
  const prefix = uniquePrefix('reliability-fuzz')
  const api = await startApiServer({ REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, API_TOKENS: `${TOKEN}:tenant-fuzz` })
  const redis = new Redis(TEST_REDIS_URL)
  const queues = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: prefix })
  t.teardown(async () => {
    await api.stop()
    await queues.close()
    redis.disconnect()
    await deletePrefix(prefix)
  })
  // The API's own keys exist once it has served a request; the fuzz must not add or remove any.
  await rawRequest(api.base, 'GET', '/orchestrator/jobs', { headers: { authorization: `Bearer ${TOKEN}` } })
  const keysBefore = await snapshot(redis, prefix)
  const countsBefore = [await queues.counts('orchestrator'), await queues.counts('transcription')]

  const cases = generateCases()
  const started = Date.now()
  const results = await mapLimit(cases, 16, async (c): Promise<ApiResponse | Error> =>
    rawRequest(api.base, c.method, c.path, { fresh: true, ...(c.headers ? { headers: c.headers } : {}), ...(c.body !== undefined ? { body: c.body } : {}) }).catch(
      (err: Error) => err,
    ),
  )
  const elapsedMs = Date.now() - started
  const statuses: Record<string, number> = {}
  const failures: string[] = []
  for (const [i, result] of results.entries()) {
    const status = result instanceof Error ? `error: ${result.message}` : String(result.status)
    statuses[status] = (statuses[status] ?? 0) + 1
    // A body over the limit may be answered 413 and the socket closed while the client is still
    // writing: the client then sees EPIPE/ECONNRESET instead of the answer. Still a refusal.
    const refusedMidBody = result instanceof Error && (cases[i]!.body?.length ?? 0) > 1024 * 1024 && /EPIPE|ECONNRESET/.test(result.message)
    if (refusedMidBody) continue
    if (result instanceof Error || result.status < 400 || result.status >= 500) {
      failures.push(`${cases[i]!.name} → ${status} ${result instanceof Error ? '' : JSON.stringify(result.body).slice(0, 200)}`)
    }
  }
  const fiveXx = Object.entries(statuses)
    .filter(([s]) => s.startsWith('5'))
    .reduce((n, [, c]) => n + c, 0)
  t.ok(cases.length >= 1_000, `${cases.length} generated cases (at least 1,000)`)
  t.same(failures, [], 'every case answered 4xx')
  const enveloped = results.filter((r) => !(r instanceof Error) && r.body?.success === false && typeof r.body.error?.message === 'string').length
  t.ok(
    enveloped >= cases.length * 0.9,
    `refusals come in the error envelope with a message (${enveloped}; the rest are Fastify's own answers outside the plugin's prefix or to oversized headers)`,
  )

  t.same([await queues.counts('orchestrator'), await queues.counts('transcription')], countsBefore, 'queue counts unchanged: no job enqueued')
  t.same(await snapshot(redis, prefix), keysBefore, 'no Redis key added or removed under the prefix')
  const after = await rawRequest(api.base, 'GET', '/orchestrator/jobs', { headers: { authorization: `Bearer ${TOKEN}` } })
  t.equal(after.status, 200, 'the server still serves normal requests afterwards')
  t.ok(api.proc.alive(), 'and is still running')
  t.comment(`fuzz: cases=${cases.length} statuses=${JSON.stringify(statuses)} 5xx=${fiveXx} failures=${failures.length} enqueued=0 elapsed_ms=${elapsedMs}`)
})

t.test('transcription file URLs on loopback or the metadata address are refused by the worker unless ALLOW_PRIVATE_FILE_URLS=true', async (t) => {
  let fileRequests = 0
  const files = createServer((_req, res) => {
    fileRequests++
    res.writeHead(200, { 'content-type': 'text/plain' }).end('Internal notes that must not leave the host network.')
  })
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve))
  const loopbackUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/notes.txt`
  const content = tempDir('content')
  t.teardown(async () => {
    files.closeAllConnections()
    await new Promise((resolve) => files.close(resolve))
    content.remove()
  })

  async function run(allowPrivate: boolean, targets: Record<string, string>) {
    const prefix = uniquePrefix(`reliability-ssrf-${allowPrivate}`)
    const queues = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: prefix })
    const worker = startWorkerCli('transcription', {
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      CONTENT_DIR: content.path,
      LOG_DIR: content.path,
      JOB_ATTEMPTS: '1',
      ...(allowPrivate ? { ALLOW_PRIVATE_FILE_URLS: 'true' } : {}),
    })
    try {
      await waitForWorkerStarted(worker)
      const outcomes: Record<string, { state: string; reason: string }> = {}
      for (const [name, url] of Object.entries(targets)) {
        const job = await queues.enqueueTranscription(
          { module_id: `mod-ssrf-${name}`, course_id: 'course-ssrf', files: [{ file_id: 'notes', url, mime_type: 'text/plain' }] },
          { tenant: 'tenant-ssrf', principal: 'ssrf-test' },
        )
        outcomes[name] = await waitFor(
          `the ${name} transcription job to finish`,
          async () => {
            const status = await queues.getJob('transcription', job.job_id, 'tenant-ssrf')
            return status && (status.state === 'completed' || status.state === 'failed') ? { state: status.state, reason: String(status.error ?? '') } : false
          },
          30_000,
          100,
        ).catch((err: Error) => {
          throw new Error(`${err.message}\n${tailOf(worker)}`)
        })
      }
      return outcomes
    } finally {
      await worker.stop()
      await queues.close()
      await deletePrefix(prefix)
    }
  }

  const refused = await run(false, { loopback: loopbackUrl, metadata: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' })
  for (const [name, outcome] of Object.entries(refused)) {
    t.equal(outcome.state, 'failed', `the ${name} URL job fails`)
    t.match(outcome.reason, /refused to fetch/, `with a clear SSRF refusal (${name}): ${outcome.reason.slice(0, 160)}`)
    t.match(outcome.reason, /ALLOW_PRIVATE_FILE_URLS/, 'naming the setting that would allow it')
  }
  t.match(refused.metadata!.reason, /169\.254\.169\.254/, 'the metadata address is named')
  t.equal(fileRequests, 0, 'the loopback server never received a request')

  const allowed = await run(true, { loopback: loopbackUrl })
  t.equal(allowed.loopback!.state, 'completed', 'with ALLOW_PRIVATE_FILE_URLS=true the same loopback URL is fetched and transcribed')
  t.ok(fileRequests >= 1, 'the loopback server was reached only when allowed')
  t.comment(`ssrf: refused=${Object.keys(refused).length} (loopback, 169.254.169.254) requests_reaching_loopback_while_refused=0 allowed_with_flag=${allowed.loopback!.state}`)
})
