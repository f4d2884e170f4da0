// The `connection` option in every form BullMQ itself accepts: a REDIS_URL, an open ioredis
// instance, and ioredis options { host, port, … }. Each serves the API on the real Redis (enqueue,
// read back, the event stream's own blocking connection); a bad value names the option and what
// it received.
import t from 'tap'
import Fastify from 'fastify'
import { Redis } from 'ioredis'
import { fastifyFlashcard, type FlashcardPluginOptions } from '../src/index.js'
import { deletePrefix, uniquePrefix } from '@flashcards/test-support/redis'
import { bearer, TEST_REDIS_URL, TOKEN_A, TOKENS } from './helpers.js'

const url = new URL(TEST_REDIS_URL)
const hostPort = { host: url.hostname, port: Number(url.port || 6379) }
const prefix = uniquePrefix('connection-forms')
const hostConnection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 })
t.teardown(async () => {
  hostConnection.disconnect()
  await deletePrefix(prefix)
})

const forms: Array<[string, FlashcardPluginOptions['connection']]> = [
  ['a REDIS_URL', TEST_REDIS_URL],
  ['an ioredis instance', hostConnection],
  ["BullMQ's { host, port }", hostPort],
  ['{ host, port, db, connectionName }', { ...hostPort, db: 0, connectionName: 'flashcard-host-api' }],
]

/** The first event of a job's stream (`state`), read over HTTP from a listening server. */
async function firstEvent(origin: string, jobId: string): Promise<string> {
  const res = await fetch(`${origin}/api/flashcards/orchestrator/jobs/${jobId}/events`, { headers: bearer(TOKEN_A), signal: AbortSignal.timeout(10_000) })
  const reader = res.body!.getReader()
  let text = ''
  while (!text.includes('\n\n')) {
    const { value, done } = await reader.read()
    if (done) break
    text += new TextDecoder().decode(value)
  }
  await reader.cancel()
  return text.slice(0, text.indexOf('\n\n'))
}

for (const [name, connection] of forms) {
  t.test(`${name}: enqueue, read back, follow`, async (t) => {
    const app = Fastify()
    await app.register(fastifyFlashcard, { connection, queuePrefix: prefix, auth: { tokens: TOKENS }, openapi: false, metrics: false })
    const origin = await app.listen({ host: '127.0.0.1', port: 0 })
    t.teardown(() => app.close())
    const enqueued = await app.inject({
      method: 'POST',
      url: '/api/flashcards/orchestrator/generate-batch',
      headers: bearer(TOKEN_A),
      payload: { mode: 'single_module', target: { course_id: 'course-forms', module_id: `mod-${forms.findIndex(([n]) => n === name)}` } },
    })
    t.equal(enqueued.statusCode, 202, enqueued.body)
    const jobId = enqueued.json().data.jobs[0].job_id as string
    const read = await app.inject({ url: `/api/flashcards/orchestrator/jobs/${jobId}`, headers: bearer(TOKEN_A) })
    t.match(read.json(), { success: true, data: { id: jobId, state: 'waiting' } })
    t.equal(await hostConnection.exists(`${prefix}:orchestrator:${jobId}`), 1, 'in Redis under the prefix')
    t.match(await firstEvent(origin, jobId), new RegExp(`^event: state\\ndata: \\{"id":"${jobId}"`), 'the event stream reads the job')
  })
}

t.test("the host's instance is left open when the plugin closes", async (t) => {
  const app = Fastify()
  await app.register(fastifyFlashcard, { connection: hostConnection, queuePrefix: prefix, auth: { tokens: TOKENS }, openapi: false, metrics: false })
  await app.ready()
  await app.close()
  t.equal(await hostConnection.ping(), 'PONG')
})

t.test('a bad connection names the option and what it received, never a password', async (t) => {
  const cases: Array<[unknown, RegExp]> = [
    [undefined, /^fastify-flashcard: option "connection" is required: a REDIS_URL \(redis:\/\/…\), an ioredis Redis\/Cluster instance, or ioredis options \{ host, port, … \}$/],
    [6379, /^fastify-flashcard: option "connection" must be a REDIS_URL .*, got number$/],
    [{}, /^fastify-flashcard: option "connection" has none of host, port, path or sentinels: give at least \{ host, port \}$/],
    [{ host: '127.0.0.1', port: '6379' }, /^fastify-flashcard: option "connection\.port" must be an integer from 1 to 65535, got "6379"$/],
    [{ host: 42, password: 'hunter2-secret' }, /^fastify-flashcard: option "connection\.host" must be a host name or address, got number$/],
  ]
  for (const [connection, message] of cases) {
    const bad = Fastify()
    bad.register(fastifyFlashcard, { connection, auth: { tokens: TOKENS } } as never)
    await t.rejects(async () => bad.ready(), { message }, JSON.stringify(connection) ?? 'undefined')
    await bad.close()
  }
})
