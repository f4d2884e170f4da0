// The example host's queue dashboard sits behind the plugin's auth.
import t from 'tap'
import Fastify from 'fastify'
import fastifyFlashcard from '@flashcards/fastify-flashcard'
import { registerDashboard, DASHBOARD_PATH } from '../examples/dashboard.js'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

const basic = (token: string) => `Basic ${Buffer.from(`ops:${token}`).toString('base64')}`

t.test('bull-board answers only to API tokens (of the dashboard tenant when one is set)', async (t) => {
  const prefix = uniquePrefix('dashboard')
  const app = Fastify()
  await app.register(fastifyFlashcard, {
    connection: TEST_REDIS_URL,
    queuePrefix: prefix,
    auth: { tokens: { 'ops-token-1234': 'ops', 'tenant-token-5678': 'acme' } },
    openapi: false,
  })
  await registerDashboard(app, { tenant: 'ops' })
  t.teardown(async () => {
    await app.close()
    await deletePrefix(prefix)
  })
  await app.flashcards.queues.enqueueGeneration({ mode: 'single_module', target: { course_id: 'c-1', module_id: 'm-1' } }, { tenant: 'acme', principal: 'alice' })

  const api = `${DASHBOARD_PATH}/api/queues`
  const none = await app.inject({ url: api })
  t.equal(none.statusCode, 401)
  t.match(none.headers['www-authenticate'], /^Basic realm=/)
  t.equal((await app.inject({ url: api, headers: { authorization: basic('wrong-token-0000') } })).statusCode, 401)
  t.equal((await app.inject({ url: api, headers: { authorization: basic('tenant-token-5678') } })).statusCode, 401, 'other tenants are refused')
  for (const [method, url] of [
    ['PUT', `${api}/orchestrator/pause`],
    ['PUT', `${api}/orchestrator/clean/waiting`],
    ['POST', `${api}/orchestrator/add`],
  ] as const) {
    const res = await app.inject({ method, url, headers: { authorization: basic('tenant-token-5678') }, payload: {} })
    t.equal(res.statusCode, 401, `another tenant cannot ${method} ${url.slice(api.length)}`)
  }
  t.equal((await app.flashcards.queues.queue('orchestrator').getJobCounts('waiting')).waiting, 1, "and the tenant's job is untouched")

  const ok = await app.inject({ url: api, headers: { authorization: basic('ops-token-1234') } })
  t.equal(ok.statusCode, 200)
  const queues = ok.json().queues as { name: string; counts: Record<string, number> }[]
  t.same(queues.map((q) => q.name).sort(), ['orchestrator', 'transcription'])
  t.equal(queues.find((q) => q.name === 'orchestrator')?.counts.waiting, 1, 'the dashboard sees the queued job')
  const bearer = await app.inject({ url: api, headers: { authorization: 'Bearer ops-token-1234' } })
  t.equal(bearer.statusCode, 200)
})
