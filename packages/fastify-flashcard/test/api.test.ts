import t from 'tap'
import Fastify from 'fastify'
import { Redis } from 'ioredis'
import { register as globalRegistry } from 'prom-client'
import { fastifyFlashcard } from '../src/index.js'
import { deletePrefix, uniquePrefix } from '@flashcards/test-support/redis'
import { bearer, buildApp, logDocument, MemoryLogStore, TEST_REDIS_URL, TOKEN_A, TOKEN_A2, TOKEN_B, TOKENS } from './helpers.js'

const prefix = uniquePrefix('api')
const logStore = new MemoryLogStore()
const app = await buildApp(prefix, { logStore })
const { queues } = app.flashcards
t.teardown(async () => {
  await app.close()
  await deletePrefix(prefix)
})

const BASE = '/api/flashcards'
const runbookBody = {
  mode: 'single_module',
  target: { module_id: 'mod-hr-101', course_id: 'course-hr-2025' },
  settings: { target_card_count: 10 },
}

async function enqueue(token: string, body: unknown = runbookBody) {
  return app.inject({ method: 'POST', url: `${BASE}/orchestrator/generate-batch`, headers: bearer(token), payload: body as object })
}

async function orchestratorJobCount(): Promise<number> {
  const counts = await queues.counts('orchestrator')
  return Object.values(counts).reduce((a, b) => a + b, 0)
}

t.test('the runbook request enqueues one job that its tenant can read', async (t) => {
  const res = await enqueue(TOKEN_A)
  t.equal(res.statusCode, 202)
  const body = res.json()
  t.equal(body.success, true)
  t.equal(body.data.jobs.length, 1)
  const job = body.data.jobs[0]
  t.match(job, { queue: 'orchestrator', kind: 'module', module_id: 'mod-hr-101', course_id: 'course-hr-2025', deduplicated: false })

  const bull = await queues.queue('orchestrator').getJob(job.job_id)
  t.same(bull?.data.owner, { tenant: 'tenant-a', principal: bull?.data.owner.principal }, 'job remembers its tenant')
  t.equal(bull?.data.settings.target_card_count, 10)
  t.notOk(JSON.stringify(bull?.data).includes(TOKEN_A), 'the token itself is not stored on the job')

  const read = await app.inject({ url: `${BASE}/orchestrator/jobs/${job.job_id}`, headers: bearer(TOKEN_A2) })
  t.equal(read.statusCode, 200, 'another token of the same tenant reads it')
  t.match(read.json(), { success: true, data: { id: job.job_id, state: 'waiting', module_id: 'mod-hr-101', progress: { percent: 0 } } })

  const again = await enqueue(TOKEN_A)
  t.equal(again.json().data.jobs[0].job_id, job.job_id, 'the same request while queued returns the same job')
  t.equal(again.json().data.jobs[0].deduplicated, true)
})

t.test('bad input is a 400/413/415 naming the problem, and enqueues nothing', async (t) => {
  const before = await orchestratorJobCount()
  const cases: Array<[string, unknown, RegExp]> = [
    ['unknown mode', { ...runbookBody, mode: 'everything' }, /^body\.mode must be one of "single_module", "modules", "course"/],
    ['missing target', { mode: 'single_module' }, /^body\.target is required/],
    ['target_card_count 0', { ...runbookBody, settings: { target_card_count: 0 } }, /body\.settings\.target_card_count must be >= 1/],
    ['target_card_count 10000', { ...runbookBody, settings: { target_card_count: 10000 } }, /body\.settings\.target_card_count must be <= 200/],
    ['unknown top-level field', { ...runbookBody, priority: 1 }, /body\.priority is not allowed/],
    ['unknown nested field', { ...runbookBody, settings: { target_card_count: 5, temperature: 2 } }, /body\.settings\.temperature is not allowed/],
    ['module_id missing for single_module', { mode: 'single_module', target: { course_id: 'c-1' } }, /body\.target\.module_id: is required when mode is "single_module"/],
    ['bad identifier', { ...runbookBody, target: { module_id: '../etc', course_id: 'c' } }, /body\.target\.module_id must match pattern/],
  ]
  for (const [name, payload, message] of cases) {
    const res = await enqueue(TOKEN_A, payload)
    t.equal(res.statusCode, 400, name)
    const body = res.json()
    t.equal(body.success, false, `${name}: envelope`)
    t.equal(body.error.code, 'VALIDATION_ERROR', `${name}: code`)
    t.match(body.error.message, message, `${name}: message names the field`)
  }

  const url = `${BASE}/orchestrator/generate-batch`
  const notJson = await app.inject({ method: 'POST', url, headers: { ...bearer(TOKEN_A), 'content-type': 'application/json' }, payload: '{"mode":' })
  t.equal(notJson.statusCode, 400)
  t.match(notJson.json().error, { code: 'VALIDATION_ERROR', message: /not valid JSON/ })

  for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
    const res = await app.inject({ method: 'POST', url, headers: { ...bearer(TOKEN_A), 'content-type': contentType }, payload: 'mode=course' })
    t.equal(res.statusCode, 415, contentType)
    t.match(res.json(), { success: false, error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: /application\/json/ } })
  }

  const huge = { ...runbookBody, content: { format: 'text', text: 'x'.repeat(3 * 1024 * 1024) } }
  const tooLarge = await enqueue(TOKEN_A, huge)
  t.equal(tooLarge.statusCode, 413)
  t.match(tooLarge.json(), { success: false, error: { code: 'PAYLOAD_TOO_LARGE', message: /larger than 2097152 bytes/ } })

  const badId = await app.inject({ url: `${BASE}/orchestrator/jobs/not..valid`, headers: bearer(TOKEN_A) })
  t.equal(badId.statusCode, 400)
  t.match(badId.json().error.message, /^params\.jobId must match pattern/)

  const badQuery = await app.inject({ url: `${BASE}/orchestrator/jobs?limit=500&colour=red`, headers: bearer(TOKEN_A) })
  t.equal(badQuery.statusCode, 400)
  t.match(badQuery.json().error.message, /query\.limit must be <= 100/)
  t.match(badQuery.json().error.message, /query\.colour is not allowed/)

  t.equal(await orchestratorJobCount(), before, 'no job was enqueued by any bad request')
})

t.test('authentication: 401 in the envelope without a valid bearer token', async (t) => {
  const url = `${BASE}/orchestrator/jobs`
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['no header', {}, /Missing credentials/],
    ['wrong scheme', { authorization: `Basic ${TOKEN_A}` }, /Malformed Authorization header/],
    ['unknown token', bearer('token-that-is-not-listed'), /Invalid bearer token/],
    ['a listed token with one character changed', bearer(TOKEN_A.slice(0, -1) + 'X'), /Invalid bearer token/],
  ]
  for (const [name, headers, message] of cases) {
    const res = await app.inject({ url, headers })
    t.equal(res.statusCode, 401, name)
    t.equal(res.headers['www-authenticate'], 'Bearer realm="flashcards"', `${name}: challenge`)
    t.match(res.json(), { success: false, error: { code: 'UNAUTHORIZED', message } }, name)
    t.notOk(res.body.includes('token-that-is-not-listed'), `${name}: the token is not echoed`)
  }
  const before = await orchestratorJobCount()
  const res = await app.inject({ method: 'POST', url: `${BASE}/orchestrator/generate-batch`, payload: runbookBody })
  t.equal(res.statusCode, 401)
  t.equal(await orchestratorJobCount(), before, 'an unauthenticated enqueue enqueues nothing')
})

t.test('tenancy: another tenant gets 404 on read, cancel, retry, logs and events, and an empty list', async (t) => {
  const mine = (await enqueue(TOKEN_A, { ...runbookBody, target: { module_id: 'mod-tenancy', course_id: 'course-t' } })).json().data.jobs[0].job_id
  await logStore.write(logDocument(mine, 'tenant-a'))
  const requests = [
    { method: 'GET' as const, url: `${BASE}/orchestrator/jobs/${mine}` },
    { method: 'DELETE' as const, url: `${BASE}/orchestrator/jobs/${mine}` },
    { method: 'POST' as const, url: `${BASE}/orchestrator/jobs/${mine}/retry` },
    { method: 'GET' as const, url: `${BASE}/orchestrator/jobs/${mine}/logs` },
    { method: 'GET' as const, url: `${BASE}/orchestrator/jobs/${mine}/events` },
    { method: 'GET' as const, url: `${BASE}/transcription/jobs/${mine}` },
    { method: 'DELETE' as const, url: `${BASE}/transcription/jobs/${mine}` },
  ]
  for (const request of requests) {
    const res = await app.inject({ ...request, headers: bearer(TOKEN_B) })
    t.equal(res.statusCode, 404, `${request.method} ${request.url}`)
    t.match(res.json(), { success: false, error: { code: 'NOT_FOUND', message: `Job ${mine} not found` } })
  }
  const list = await app.inject({ url: `${BASE}/orchestrator/jobs?course_id=course-t`, headers: bearer(TOKEN_B) })
  t.same(list.json(), { success: true, data: { items: [], next_offset: null } })
  t.ok(await queues.queue('orchestrator').getJob(mine), "the other tenant's DELETE did not remove the job")
  const own = await app.inject({ url: `${BASE}/orchestrator/jobs/${mine}`, headers: bearer(TOKEN_A) })
  t.equal(own.statusCode, 200)
})

t.test('list filters by state, module and course, and paginates by offset', async (t) => {
  const ids: string[] = []
  for (let i = 0; i < 5; i++) {
    const res = await enqueue(TOKEN_A, { ...runbookBody, target: { module_id: `mod-list-${i}`, course_id: 'course-list' } })
    ids.push(res.json().data.jobs[0].job_id)
  }
  const page1 = (await app.inject({ url: `${BASE}/orchestrator/jobs?course_id=course-list&limit=2`, headers: bearer(TOKEN_A) })).json()
  t.equal(page1.data.items.length, 2)
  t.equal(page1.data.next_offset, 2)
  const page3 = (await app.inject({ url: `${BASE}/orchestrator/jobs?course_id=course-list&limit=2&offset=4`, headers: bearer(TOKEN_A) })).json()
  t.equal(page3.data.items.length, 1)
  t.equal(page3.data.next_offset, null)
  const byModule = (await app.inject({ url: `${BASE}/orchestrator/jobs?module_id=mod-list-3`, headers: bearer(TOKEN_A) })).json()
  t.same(
    byModule.data.items.map((job: { id: string }) => job.id),
    [ids[3]],
  )
  const failed = (await app.inject({ url: `${BASE}/orchestrator/jobs?state=failed&course_id=course-list`, headers: bearer(TOKEN_A) })).json()
  t.same(failed.data.items, [])
  const badState = await app.inject({ url: `${BASE}/orchestrator/jobs?state=finished`, headers: bearer(TOKEN_A) })
  t.equal(badState.statusCode, 400)
  t.match(badState.json().error.message, /^query\.state must be one of "waiting"/)
})

t.test('cancel removes a waiting job; retry of a job that has not failed is a 409', async (t) => {
  const id = (await enqueue(TOKEN_A, { ...runbookBody, target: { module_id: 'mod-cancel', course_id: 'course-c' } })).json().data.jobs[0].job_id
  const retry = await app.inject({ method: 'POST', url: `${BASE}/orchestrator/jobs/${id}/retry`, headers: bearer(TOKEN_A) })
  t.equal(retry.statusCode, 409)
  t.match(retry.json(), { success: false, error: { code: 'CONFLICT', message: /is waiting; only failed or completed jobs can be retried/ } })
  const cancel = await app.inject({ method: 'DELETE', url: `${BASE}/orchestrator/jobs/${id}`, headers: bearer(TOKEN_A) })
  t.same(cancel.json(), { success: true, data: { job_id: id, outcome: 'removed' } })
  t.equal(await queues.queue('orchestrator').getJob(id), undefined)
  const gone = await app.inject({ url: `${BASE}/orchestrator/jobs/${id}`, headers: bearer(TOKEN_A) })
  t.equal(gone.statusCode, 404)
})

t.test('transcription jobs: enqueue, read, validation naming the field', async (t) => {
  const body = {
    module_id: 'mod-hr-101',
    course_id: 'course-hr-2025',
    files: [{ file_id: 'intro-video', url: 'https://cdn.example.com/hr/intro.mp4', mime_type: 'video/mp4' }],
  }
  const res = await app.inject({ method: 'POST', url: `${BASE}/transcription/jobs`, headers: bearer(TOKEN_A), payload: body })
  t.equal(res.statusCode, 202)
  const job = res.json().data
  t.match(job, { queue: 'transcription', kind: 'transcription', module_id: 'mod-hr-101', deduplicated: false })
  const bull = await queues.queue('transcription').getJob(job.job_id)
  t.same(bull?.data.files, body.files)
  t.equal(bull?.data.owner.tenant, 'tenant-a')

  const read = await app.inject({ url: `${BASE}/transcription/jobs/${job.job_id}`, headers: bearer(TOKEN_A) })
  t.match(read.json(), { success: true, data: { id: job.job_id, queue: 'transcription', name: 'transcribe-module', state: 'waiting' } })
  const asOrchestrator = await app.inject({ url: `${BASE}/orchestrator/jobs/${job.job_id}`, headers: bearer(TOKEN_A) })
  t.equal(asOrchestrator.statusCode, 404, 'a transcription job is not an orchestrator job')
  const otherTenant = await app.inject({ method: 'DELETE', url: `${BASE}/transcription/jobs/${job.job_id}`, headers: bearer(TOKEN_B) })
  t.equal(otherTenant.statusCode, 404, 'another tenant cannot cancel it')
  const cancel = await app.inject({ method: 'DELETE', url: `${BASE}/transcription/jobs/${job.job_id}`, headers: bearer(TOKEN_A) })
  t.same(cancel.json(), { success: true, data: { job_id: job.job_id, outcome: 'removed' } }, 'a waiting transcription job is cancelled (removed)')
  t.equal(await queues.queue('transcription').getJob(job.job_id), undefined)

  const before = await queues.counts('transcription')
  const bad = await app.inject({
    method: 'POST',
    url: `${BASE}/transcription/jobs`,
    headers: bearer(TOKEN_A),
    payload: {
      ...body,
      files: [
        { file_id: 'a', url: '' },
        { file_id: 'b', url: 'x', size: 1 },
      ],
    },
  })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().error.message, /body\.files\.0\.url must not have fewer than 1 characters/)
  t.match(bad.json().error.message, /body\.files\.1\.size is not allowed/)
  const empty = await app.inject({ method: 'POST', url: `${BASE}/transcription/jobs`, headers: bearer(TOKEN_A), payload: { ...body, files: [] } })
  t.match(empty.json().error.message, /body\.files must not have fewer than 1 items/)
  t.same(await queues.counts('transcription'), before, 'nothing enqueued')
})

t.test('job logs: the owner reads the document; a link needs a store that has links', async (t) => {
  const id = (await enqueue(TOKEN_A, { ...runbookBody, target: { module_id: 'mod-logs', course_id: 'course-l' } })).json().data.jobs[0].job_id
  const missing = await app.inject({ url: `${BASE}/orchestrator/jobs/${id}/logs`, headers: bearer(TOKEN_A) })
  t.equal(missing.statusCode, 404, 'no log written yet')
  const doc = logDocument(id, 'tenant-a')
  await logStore.write(doc)
  const res = await app.inject({ url: `${BASE}/orchestrator/jobs/${id}/logs`, headers: bearer(TOKEN_A) })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { success: true, data: doc })
  const link = await app.inject({ url: `${BASE}/orchestrator/jobs/${id}/logs?link=1`, headers: bearer(TOKEN_A) })
  t.equal(link.statusCode, 501)
  t.match(link.json().error, { code: 'NOT_IMPLEMENTED', message: /query\.link: download links need the S3 log store/ })

  const s3ish = new MemoryLogStore('s3', 'https://logs.example.com')
  await s3ish.write(doc)
  const other = await buildApp(prefix, { logStore: s3ish, metrics: false, openapi: false })
  t.teardown(() => other.close())
  const signed = await other.inject({ url: `${BASE}/orchestrator/jobs/${id}/logs?link=true`, headers: bearer(TOKEN_A) })
  t.same(signed.json(), { success: true, data: { url: `https://logs.example.com/${id}.json?expires=900`, expires_in: 900 } })
  const foreign = await other.inject({ url: `${BASE}/orchestrator/jobs/${id}/logs?link=1`, headers: bearer(TOKEN_B) })
  t.equal(foreign.statusCode, 404, 'no link for another tenant')

  const noStore = await buildApp(prefix, { metrics: false, openapi: false })
  t.teardown(() => noStore.close())
  const unconfigured = await noStore.inject({ url: `${BASE}/orchestrator/jobs/${id}/logs`, headers: bearer(TOKEN_A) })
  t.equal(unconfigured.statusCode, 501)
  t.match(unconfigured.json().error.message, /not configured/)
})

t.test('a full queue answers 429 with Retry-After and enqueues nothing', async (t) => {
  const fullPrefix = uniquePrefix('api-full')
  const small = await buildApp(fullPrefix, { maxQueueDepth: 1, metrics: false, openapi: false })
  t.teardown(async () => {
    await small.close()
    await deletePrefix(fullPrefix)
  })
  const first = await small.inject({ method: 'POST', url: `${BASE}/orchestrator/generate-batch`, headers: bearer(TOKEN_A), payload: runbookBody })
  t.equal(first.statusCode, 202)
  const second = await small.inject({
    method: 'POST',
    url: `${BASE}/orchestrator/generate-batch`,
    headers: bearer(TOKEN_A),
    payload: { ...runbookBody, target: { module_id: 'mod-2', course_id: 'course-hr-2025' } },
  })
  t.equal(second.statusCode, 429)
  t.equal(second.headers['retry-after'], '30')
  t.match(second.json(), { success: false, error: { code: 'QUEUE_FULL', details: { backlog: 1, limit: 1 } } })
  t.equal((await small.flashcards.queues.counts('orchestrator')).waiting, 1)
})

t.test('health: 503 without a worker heartbeat, healthy with one; public only when asked', async (t) => {
  const url = `${BASE}/orchestrator/health`
  t.equal((await app.inject({ url })).statusCode, 401, 'health needs a token unless publicHealth')
  const down = await app.inject({ url, headers: bearer(TOKEN_A) })
  t.equal(down.statusCode, 503)
  t.match(down.json(), { success: false, status: 'unhealthy', reason: /no worker/, error: { code: 'UNAVAILABLE' } })

  await queues.beat('orchestrator', 'test-worker-1')
  await queues.recordAttempt('orchestrator', { finished: { outcome: 'SUCCESS', durationSeconds: 2 } })
  const up = await app.inject({ url, headers: bearer(TOKEN_A) })
  t.equal(up.statusCode, 200)
  const body = up.json()
  t.same(Object.keys(body), ['success', 'status', 'data'])
  t.equal(body.status, 'healthy')
  const counts = await queues.counts('orchestrator')
  const transcription = await queues.counts('transcription')
  t.equal(body.data.jobs_in_queue, (counts.waiting ?? 0) + (transcription.waiting ?? 0), 'jobs_in_queue counts waiting jobs of both queues')
  t.equal(body.data.jobs_processing, 0)
  t.ok(Date.now() - Date.parse(body.data.last_successful_run) < 60_000, 'last_successful_run is the recorded success')
  t.type(body.data.uptime, 'number')
  t.same(body.data.workers, { orchestrator: 1, transcription: 0 })
  await queues.removeHeartbeat('orchestrator', 'test-worker-1')

  const open = await buildApp(prefix, { publicHealth: true, metrics: false, openapi: false })
  t.teardown(() => open.close())
  const publicHealth = await open.inject({ url })
  t.equal(publicHealth.statusCode, 503, 'reachable without a token (and still honest)')
})

t.test('health and API answer 503 when Redis is unreachable', async (t) => {
  const broken = Fastify()
  // Port 1 refuses connections: Redis is "down" from the start.
  await broken.register(fastifyFlashcard, {
    connection: 'redis://127.0.0.1:1',
    queuePrefix: prefix,
    auth: { tokens: TOKENS },
    publicHealth: true,
    openapi: false,
  })
  t.teardown(() => broken.close())
  const health = await broken.inject({ url: `${BASE}/orchestrator/health` })
  t.equal(health.statusCode, 503)
  t.match(health.json(), { success: false, status: 'unhealthy', reason: /Redis is unreachable/, data: null })
  const enqueueRes = await broken.inject({ method: 'POST', url: `${BASE}/orchestrator/generate-batch`, headers: bearer(TOKEN_A), payload: runbookBody })
  t.equal(enqueueRes.statusCode, 503)
  t.equal(enqueueRes.headers['retry-after'], '5')
  t.match(enqueueRes.json(), { success: false, error: { code: 'UNAVAILABLE' } })
})

t.test('metrics: runbook names, HTTP route metrics, and nothing on the global registry', async (t) => {
  const res = await app.inject({ url: `${BASE}/orchestrator/metrics`, headers: bearer(TOKEN_A) })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  t.match(res.body, /^# HELP flashcard_jobs_enqueued_total /m)
  t.match(res.body, /^flashcard_jobs_in_progress\{type="orchestrator"\} 0$/m)
  t.match(res.body, /^flashcard_queue_depth\{type="orchestrator",state="waiting"\} \d+$/m)
  t.match(res.body, /^flashcard_http_requests_total\{method="POST",route="\/api\/flashcards\/orchestrator\/generate-batch",status_code="202"\} \d+$/m)
  t.match(res.body, /^flashcard_http_requests_total\{method="POST",route="\/api\/flashcards\/orchestrator\/generate-batch",status_code="400"\} \d+$/m)
  t.match(res.body, /^flashcard_http_request_duration_seconds_bucket\{le="0.005",method="GET"/m)
  t.equal((await globalRegistry.getMetricsAsJSON()).length, 0, "prom-client's global registry is untouched")
  t.equal((await app.inject({ url: `${BASE}/orchestrator/metrics` })).statusCode, 401, 'metrics need a token unless publicMetrics')
})

t.test('unknown paths under the prefix are 404 in the envelope; host routes keep their own handling', async (t) => {
  const res = await app.inject({ url: `${BASE}/orchestrator/nothing-here`, headers: bearer(TOKEN_A) })
  t.equal(res.statusCode, 404)
  t.same(res.json(), { success: false, error: { code: 'NOT_FOUND', message: `No route GET ${BASE}/orchestrator/nothing-here` } })

  const host = Fastify()
  host.post('/host/echo', { schema: { body: { type: 'object', properties: { a: { type: 'number' } } } } }, async (request) => request.body)
  await host.register(fastifyFlashcard, { connection: TEST_REDIS_URL, queuePrefix: prefix, auth: { tokens: TOKENS }, openapi: false, metrics: false })
  t.teardown(() => host.close())
  const echoed = await host.inject({ method: 'POST', url: '/host/echo', payload: { a: '1' } })
  t.same(echoed.json(), { a: 1 }, "the host's Ajv (coercion) is unchanged")
  const outside = await host.inject({ url: '/elsewhere' })
  t.equal(outside.statusCode, 404)
  t.equal(outside.json().success, undefined, "the host's 404 outside the prefix is the host's own")
})

t.test('options are validated at registration; registering twice is an error', async (t) => {
  const attempts: Array<[string, Record<string, unknown>, RegExp]> = [
    ['no connection', { auth: { tokens: TOKENS } }, /option "connection" is required/],
    ['no auth', { connection: TEST_REDIS_URL }, /option "auth" is required/],
    ['both auth forms', { connection: TEST_REDIS_URL, auth: { tokens: TOKENS, verify: async () => null } }, /exactly one of "tokens" and "verify"/],
    ['short token', { connection: TEST_REDIS_URL, auth: { tokens: { short: 't' } } }, /token #1 is shorter than 8 characters/],
    ['bad prefix', { connection: TEST_REDIS_URL, auth: { tokens: TOKENS }, prefix: 'api' }, /option "prefix" must be a path/],
    ['bad queue prefix', { connection: TEST_REDIS_URL, auth: { tokens: TOKENS }, queuePrefix: 'a b' }, /option "queuePrefix"/],
    ['bad maxQueueDepth', { connection: TEST_REDIS_URL, auth: { tokens: TOKENS }, maxQueueDepth: -1 }, /option "maxQueueDepth" must be an integer/],
    ['bad retention', { connection: TEST_REDIS_URL, auth: { tokens: TOKENS }, retention: { removeOnFail: { count: 0 } } }, /option "count" must be an integer from 1/],
    ['bad logStore', { connection: TEST_REDIS_URL, auth: { tokens: TOKENS }, logStore: {} }, /option "logStore" must be a JobLogStore/],
    ['non-boolean metrics', { connection: TEST_REDIS_URL, auth: { tokens: TOKENS }, metrics: 'yes' }, /option "metrics" must be true or false/],
  ]
  for (const [name, options, message] of attempts) {
    const bad = Fastify()
    bad.register(fastifyFlashcard, options as never)
    await t.rejects(async () => bad.ready(), { message }, name)
    await bad.close()
  }
  const twice = Fastify()
  const options = { connection: TEST_REDIS_URL, queuePrefix: prefix, auth: { tokens: TOKENS }, openapi: false }
  twice.register(fastifyFlashcard, options)
  twice.register(fastifyFlashcard, options)
  await t.rejects(async () => twice.ready(), { message: /already registered on this instance/ })
  await twice.close()
})

t.test('a host verify function decides who is who; a passed connection is left open on close', async (t) => {
  const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 })
  t.teardown(() => connection.quit())
  const host = Fastify()
  const seen: string[] = []
  await host.register(fastifyFlashcard, {
    connection,
    queuePrefix: prefix,
    prefix: '/flashcards',
    openapi: false,
    auth: {
      verify: async (token, request) => {
        seen.push(String(request.headers['x-request-origin']))
        return token === 'jwt-for-carol' ? { id: 'carol', tenant: 'tenant-c' } : null
      },
    },
  })
  const ok = await host.inject({
    method: 'POST',
    url: '/flashcards/orchestrator/generate-batch',
    headers: { ...bearer('jwt-for-carol'), 'x-request-origin': 'lms' },
    payload: runbookBody,
  })
  t.equal(ok.statusCode, 202)
  const bull = await host.flashcards.queues.queue('orchestrator').getJob(ok.json().data.jobs[0].job_id)
  t.same(bull?.data.owner, { tenant: 'tenant-c', principal: 'carol' })
  t.same(seen, ['lms'], 'verify receives the request')
  t.equal((await host.inject({ url: '/flashcards/orchestrator/jobs', headers: bearer('jwt-for-dave') })).statusCode, 401)
  await host.close()
  t.equal(connection.status, 'ready', "the host's connection is still open")
  t.equal(await connection.ping(), 'PONG')
})
