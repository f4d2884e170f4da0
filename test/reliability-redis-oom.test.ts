/*
 * A Redis out of memory (maxmemory with noeviction, as the runbook's compose runs it) through
 * the example API server: enqueueing and other writes answer 503 UNAVAILABLE with Retry-After
 * and the envelope's own words (no Lua script, no driver message), reads still answer, health
 * says `degraded` with the reason; once memory is freed, everything is as before.
 */
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { Redis } from 'ioredis'
import { apiRequest, closeHttpAgent } from './support/http-client.js'
import { waitFor } from '@flashcards/test-support'
import { startPrivateRedis } from '@flashcards/test-support/redis'
import { startApiServer, startWorkerCli, tempDir, waitForWorkerStarted } from './support/processes.js'

const TOKEN = `tenant-oom-${randomUUID()}`
/** What a refusal must never show: Redis's, ioredis's or a Lua script's words. */
const LEAKS = /OOM command|maxmemory'|EXECABORT|@user_script|script|evalsha|f_[0-9a-f]{20}/i

t.teardown(closeHttpAgent)

/** Fills Redis with keys of its own until it refuses a write for memory; returns how many it took. */
async function fill(redis: Redis): Promise<number> {
  const value = 'x'.repeat(8 * 1024)
  for (let i = 0; ; i++) {
    try {
      await redis.set(`filler:${i}`, value)
    } catch (err) {
      if (/OOM/.test((err as Error).message)) return i
      throw err
    }
  }
}

t.test('Redis out of memory: writes answer 503 UNAVAILABLE, reads work, health is degraded with the reason', async (t) => {
  const redisServer = await startPrivateRedis(['--maxmemory', '24mb', '--maxmemory-policy', 'noeviction'])
  const logs = tempDir('oom-logs')
  const env = { REDIS_URL: redisServer.url, QUEUE_PREFIX: 'flashcard', LOG_DIR: logs.path }
  const api = await startApiServer({ ...env, API_TOKENS: `${TOKEN}:tenant-oom` })
  const worker = startWorkerCli('orchestrator', { ...env, LLM_PROVIDER: 'offline' })
  const filler = new Redis(redisServer.url)
  t.teardown(async () => {
    filler.disconnect()
    await Promise.all([api.stop(), worker.stop()])
    await redisServer.stop()
    logs.remove()
  })
  await waitForWorkerStarted(worker)
  const call = (method: string, path: string, body?: unknown) => apiRequest(api.base, method, path, TOKEN, body)
  const generate = (module_id: string) =>
    call('POST', '/orchestrator/generate-batch', {
      mode: 'single_module',
      target: { course_id: 'course-oom', module_id },
      settings: { target_card_count: 2 },
      content: { format: 'markdown', text: '# Safety\n\n## Exits\n\nFire exits are marked in green and must never be blocked by boxes or chairs.' },
    })
  const before = await generate('mod-before')
  t.equal(before.status, 202, 'a job is accepted before Redis fills up')
  const jobId = before.body.data.jobs[0].job_id as string
  await waitFor('the first job to complete', async () => (await call('GET', `/orchestrator/jobs/${jobId}`)).body.data?.state === 'completed', 30_000, 100)
  const deck = await call('GET', '/decks/course-oom/mod-before')
  const cardId = deck.body.data.cards[0].id as string
  await waitFor('health to be healthy', async () => (await call('GET', '/orchestrator/health')).body.status === 'healthy', 20_000, 100)

  const fillerKeys = await fill(filler)
  // Filled to the limit, Redis sits right at it: a heartbeat key expiring frees enough for the
  // next write to pass. A limit 4 MB under what is used keeps every write refused until the
  // operator frees memory, whatever the workers' own keys do meanwhile.
  await filler.config('SET', 'maxmemory', String(20 * 1024 * 1024))
  const refusals = [
    ['enqueue a generation job', await generate('mod-during')],
    [
      'enqueue a transcription job',
      await call('POST', '/transcription/jobs', { module_id: 'm', course_id: 'course-oom', files: [{ file_id: 'f', url: 'https://cdn.example.com/f.txt' }] }),
    ],
    ['edit a card', await call('PATCH', `/decks/course-oom/mod-before/cards/${cardId}`, { status: 'approved' })],
  ] as const
  for (const [what, res] of refusals) {
    t.equal(res.status, 503, `${what}: 503`)
    t.equal(res.body.error?.code, 'UNAVAILABLE', `${what}: UNAVAILABLE`)
    t.match(res.body.error?.message, /out of memory/, `${what}: says why`)
    t.notMatch(JSON.stringify(res.body), LEAKS, `${what}: no Redis or Lua words`)
    t.ok(Number(res.headers['retry-after']) > 0, `${what}: Retry-After`)
  }
  const read = await call('GET', `/orchestrator/jobs/${jobId}`)
  t.equal(read.status, 200, 'a job is still read')
  t.equal((await call('GET', '/orchestrator/jobs?course_id=course-oom')).status, 200, 'and listed')
  const health = await call('GET', '/orchestrator/health')
  t.equal(health.status, 200, 'health answers 200 (reads and running jobs work)')
  t.equal(health.body.status, 'degraded', 'with status degraded')
  t.match(health.body.reason, /Redis is out of memory \(.* used of maxmemory 20\.0 MB, policy noeviction\)/, 'and the reason')

  // What an operator frees: here, the filler keys (the jobs stay).
  for (let i = 0; i < fillerKeys; i += 1000) await filler.del(...Array.from({ length: Math.min(1000, fillerKeys - i) }, (_, k) => `filler:${i + k}`))
  const after = await generate('mod-after')
  t.equal(after.status, 202, 'once memory is freed a job is accepted again')
  const healthAfter = await call('GET', '/orchestrator/health')
  t.comment(
    `redis oom: maxmemory=24mb then 20mb filler_keys=${fillerKeys} refused=${refusals.map(([, res]) => res.status).join(',')} ` +
      `read_status=${read.status} health_during=${health.status}/${health.body.status} health_after=${healthAfter.body.status} ` +
      `enqueue_after=${after.status}`,
  )
  t.not(healthAfter.body.status, 'degraded', 'health is no longer degraded')
})
