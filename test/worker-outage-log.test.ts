/*
 * The workers during a Redis outage, as an operator reads their output: one line per component
 * when Redis goes away (not several every retry, no "[ioredis] Unhandled error event" stacks),
 * one line when it is back, and a stop signal still ends the process at once with exit 0, even
 * while it waits for a Redis it never reached.
 */
import t from 'tap'
import { tailOf, waitFor } from '@flashcards/test-support'
import { startPrivateRedis } from '@flashcards/test-support/redis'
import { startWorkerCli, waitForWorkerStarted } from './support/processes.js'

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, 'g'))?.length ?? 0

t.test('a Redis outage is one line per component, its end one more; nothing unhandled', async (t) => {
  const redis = await startPrivateRedis()
  t.teardown(() => redis.stop())
  const workers = startWorkerCli('all', { REDIS_URL: redis.url, QUEUE_PREFIX: 'outage-log' })
  t.teardown(() => workers.stop())
  await waitForWorkerStarted(workers, 2)

  await redis.kill()
  await waitFor('the outage to be logged', () => count(workers.output(), /"msg":"redis unavailable/) > 0, 30_000, 100)
  // Several reconnect attempts of every connection happen in this window.
  const windowEnd = Date.now() + 6_000
  await waitFor('six seconds of outage', () => Date.now() >= windowEnd || !workers.alive(), 10_000, 200)
  const output = workers.output()
  t.ok(workers.alive(), 'the workers keep running through the outage')
  // Components notice the outage a few milliseconds apart: each says so once, none again within the minute.
  const outageLines = output.split('\n').filter((line) => /"msg":"redis unavailable[^:"]*"/.test(line))
  const perComponent = new Map<string, number>()
  for (const line of outageLines) {
    const { role, msg } = JSON.parse(line) as { role?: string; msg: string }
    perComponent.set(`${role} ${msg}`, (perComponent.get(`${role} ${msg}`) ?? 0) + 1)
  }
  t.same(
    [...perComponent.values()].filter((n) => n > 1),
    [],
    `no repeated line within the minute: ${JSON.stringify(Object.fromEntries(perComponent))}`,
  )
  t.ok(outageLines.length <= 4, `at most one line per component (orchestrator, transcription, webhooks, decks): ${outageLines.length}`)
  t.equal(count(output, /Unhandled error event/), 0, 'no unhandled connection error')
  t.equal(count(output, /^Error: connect/m), 0, 'no bare error printed')

  await redis.restart()
  await waitFor('the recovery to be logged', () => count(workers.output(), /redis unavailable[^"]*: recovered/) > 0, 30_000, 100)
  t.equal(count(workers.output(), /Redis lost its data/), 0, 'a Redis back from its append-only file lost nothing: no false alarm')
  workers.signal('SIGTERM')
  t.same(await workers.exited, { code: 0, signal: null }, tailOf(workers))
})

t.test('a Redis that comes back empty: each worker says so at error level, once', async (t) => {
  const redis = await startPrivateRedis(['--appendonly', 'no'])
  t.teardown(() => redis.stop())
  const workers = startWorkerCli('orchestrator', { REDIS_URL: redis.url, QUEUE_PREFIX: 'outage-log' })
  t.teardown(() => workers.stop())
  await waitForWorkerStarted(workers, 1)
  await redis.kill()
  await redis.restart()
  await waitFor('the loss to be logged', () => /Redis lost its data/.test(workers.output()), 30_000, 100)
  const lines = workers
    .output()
    .split('\n')
    .filter((line) => line.includes('Redis lost its data'))
  t.equal(lines.length, 1, lines.join('\n'))
  t.match(JSON.parse(lines[0]!), { level: 50, detected_at: String }, 'pino error level')
  workers.signal('SIGTERM')
  t.same(await workers.exited, { code: 0, signal: null }, tailOf(workers))
})

t.test('SIGTERM while the workers still wait for an unreachable Redis: exit 0 at once', async (t) => {
  const workers = startWorkerCli('all', { REDIS_URL: 'redis://127.0.0.1:1', QUEUE_PREFIX: 'outage-log' })
  t.teardown(() => workers.stop())
  await waitFor('the unreachable Redis to be logged', () => /"msg":"redis unavailable/.test(workers.output()), 30_000, 100)
  const sent = Date.now()
  workers.signal('SIGTERM')
  t.same(await workers.exited, { code: 0, signal: null }, tailOf(workers))
  t.ok(Date.now() - sent < 5_000, `stopped in ${Date.now() - sent} ms`)
  t.match(workers.output(), /"msg":"stopped before the workers started"/)
})
