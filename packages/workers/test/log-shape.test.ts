import t from 'tap'
import { Writable } from 'node:stream'
import Fastify from 'fastify'
import { logOptions } from '@flashcards/queue-core'
import { createLogger } from '../src/runtime/logger.js'

/** Captures the JSON lines a logger writes. */
function sink(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk))
      done()
    },
  })
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  }
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

t.test('the workers and a Fastify host log one shape: ISO time, each key once', async (t) => {
  const workers = sink()
  const logger = createLogger({ name: 'orchestrator', debug: false, destination: workers.stream })
  logger.info({ job_name: 'generate-module', module_id: 'm1' }, 'job started')
  const [line] = workers.lines()
  t.match(line, { name: 'orchestrator', job_name: 'generate-module', msg: 'job started' })
  t.match(String(line!.time), ISO, 'ISO time, not epoch milliseconds')

  const api = sink()
  const app = Fastify({ logger: { level: 'info', stream: api.stream, ...logOptions } })
  app.get('/', async () => 'ok')
  await app.inject('/')
  await app.close()
  const apiLines = api.lines()
  t.ok(apiLines.length > 0)
  for (const entry of apiLines) t.match(String(entry.time), ISO, `API line "${String(entry.msg)}" has an ISO time`)
})
