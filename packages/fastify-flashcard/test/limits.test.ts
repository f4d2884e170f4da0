// Held resources and request rates: event streams per tenant and in total, their idle and
// maximum lifetime, and the optional per-tenant rate limit.
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { deletePrefix, uniquePrefix } from '@flashcards/test-support/redis'
import { bearer, buildApp, TOKEN_A, TOKEN_A2, TOKEN_B } from './helpers.js'
import { waitFor } from '@flashcards/test-support'

const prefix = uniquePrefix('limits')
t.teardown(() => deletePrefix(prefix))

async function listening(t: Test, options: Parameters<typeof buildApp>[1]): Promise<{ app: FastifyInstance; address: string }> {
  const app = await buildApp(prefix, { metrics: false, openapi: false, ...options })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  return { app, address }
}

async function jobOf(app: FastifyInstance, tenant: string): Promise<string> {
  const [job] = await app.flashcards.queues.enqueueGeneration(
    { mode: 'single_module', target: { module_id: `mod-${tenant}`, course_id: 'course-limits' } },
    { tenant, principal: tenant },
  )
  return job!.job_id
}

t.test('streams beyond the per-tenant limit get 429, beyond the total 503, both with Retry-After', async (t) => {
  const { app, address } = await listening(t, { eventStreams: { maxPerTenant: 2, maxTotal: 3 } })
  const jobA = await jobOf(app, 'tenant-a')
  const jobB = await jobOf(app, 'tenant-b')
  const controller = new AbortController()
  t.teardown(() => controller.abort())
  const open = (jobId: string, token: string) => fetch(`${address}/api/flashcards/orchestrator/jobs/${jobId}/events`, { headers: bearer(token), signal: controller.signal })

  const a1 = await open(jobA, TOKEN_A)
  const a2 = await open(jobA, TOKEN_A2)
  t.same([a1.status, a2.status], [200, 200], 'tenant A holds two streams (two tokens, one tenant)')
  const a3 = await open(jobA, TOKEN_A)
  t.equal(a3.status, 429, "tenant A's third stream is refused")
  t.equal(a3.headers.get('retry-after'), '10')
  t.match(await a3.json(), { success: false, error: { code: 'RATE_LIMITED', details: { limit: 2 } } })

  const b1 = await open(jobB, TOKEN_B)
  t.equal(b1.status, 200, 'tenant B still gets a stream')
  const b2 = await open(jobB, TOKEN_B)
  t.equal(b2.status, 503, 'the fourth stream overall is over the total')
  t.equal(b2.headers.get('retry-after'), '10')
  t.match(await b2.json(), { error: { code: 'UNAVAILABLE' } })

  await a1.body!.cancel()
  // The server learns of the closed socket asynchronously; refused attempts hold nothing.
  await waitFor('a closed stream to free its slot', async () => (await open(jobA, TOKEN_A)).status === 200)
  t.pass('a closed stream frees its slot')
  const missing = await open('00000000-0000-4000-8000-000000000000', TOKEN_B)
  t.equal(missing.status, 503, 'a refusal comes before any Redis read')
})

t.test('a stream ends with a timeout event when idle, and after its maximum lifetime', async (t) => {
  const idle = await listening(t, { eventStreams: { idleTimeoutMs: 200, maxLifetimeMs: 60_000 } })
  const lifetime = await listening(t, { eventStreams: { idleTimeoutMs: 60_000, maxLifetimeMs: 300 }, eventsHeartbeatMs: 100 })
  for (const [name, { app, address }] of [
    ['idle', idle],
    ['lifetime', lifetime],
  ] as const) {
    const jobId = await jobOf(app, 'tenant-a')
    const res = await fetch(`${address}/api/flashcards/orchestrator/jobs/${jobId}/events`, { headers: bearer(TOKEN_A) })
    const text = await res.text()
    t.match(text, /^event: state\n/, `${name}: the state comes first`)
    t.match(text, new RegExp(`event: timeout\\ndata: \\{"job_id":"${jobId}","reason":"${name}"`), `${name}: then a timeout event naming the reason, and the stream ends`)
  }
})

t.test('rateLimit: requests beyond the limit get 429 per tenant; other tenants are unaffected', async (t) => {
  const { app } = await listening(t, { rateLimit: { max: 3, timeWindowMs: 60_000 } })
  const list = (token: string) => app.inject({ url: '/api/flashcards/orchestrator/jobs', headers: bearer(token) })
  const statuses = []
  for (let i = 0; i < 4; i++) statuses.push((await list(i % 2 === 0 ? TOKEN_A : TOKEN_A2)).statusCode)
  t.same(statuses, [200, 200, 200, 429], "tenant A's fourth request in the window is refused, whichever of its tokens")
  const refused = await list(TOKEN_A)
  t.match(refused.json(), { success: false, error: { code: 'RATE_LIMITED', details: { limit: 3, window_ms: 60_000 } } })
  t.ok(Number(refused.headers['retry-after']) > 0, 'with Retry-After')
  t.equal((await list(TOKEN_B)).statusCode, 200, 'tenant B is counted apart')
  const unauthenticated = await app.inject({ url: '/api/flashcards/orchestrator/jobs' })
  t.equal(unauthenticated.statusCode, 401, 'a request without a token is refused by auth, not counted against a tenant')
})

t.test('rateLimit and maxEventLoopDelayMs are validated; both are off by default', async (t) => {
  await t.rejects(buildApp(prefix, { rateLimit: { max: 0, timeWindowMs: 1000 } }), /option "max" must be an integer from 1/)
  await t.rejects(buildApp(prefix, { rateLimit: {} as never }), /needs \{ max, timeWindowMs \}/)
  await t.rejects(buildApp(prefix, { eventStreams: { maxTotal: 0 } }), /option "maxTotal" must be an integer from 1/)
  const { app } = await listening(t, {})
  const many = await Promise.all(Array.from({ length: 50 }, () => app.inject({ url: '/api/flashcards/orchestrator/jobs', headers: bearer(TOKEN_A) })))
  t.same(new Set(many.map((res) => res.statusCode)), new Set([200]), 'no rate limit unless configured')
})
