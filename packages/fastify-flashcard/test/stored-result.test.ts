// A completed job whose stored result fits no result schema of this version (an older worker wrote
// it) is still read over HTTP: 200 with `result: null` and a coded `error`, alone, in the list and
// in its event stream, never a 500 from the response serializer; a result that fits is served as
// it is.
import t from 'tap'
import { Worker, type Job } from 'bullmq'
import { Redis } from 'ioredis'
import { waitFor } from '@flashcards/test-support'
import { deletePrefix, uniquePrefix } from '@flashcards/test-support/redis'
import { bearer, buildApp, TEST_REDIS_URL, TOKEN_A } from './helpers.js'

const prefix = uniquePrefix('stored-result')
const app = await buildApp(prefix, { metrics: false, openapi: false })
const { queues } = app.flashcards
const workerConnection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null })

/** What each module's job stores: an older worker's shape (`flashcards`, no `cards`), or this version's. */
const STORED: Record<string, unknown> = {
  'mod-old': { module_id: 'mod-old', course_id: 'course-sr', flashcards: [{ q: 'What is a lockout?', a: 'A lock on an energy source' }] },
  'mod-new': {
    module_id: 'mod-new',
    course_id: 'course-sr',
    cards: [{ id: 'c-1', type: 'basic', front: 'What is a lockout?', back: 'A lock on an energy source', source: { module_id: 'mod-new', chunk_id: 'mod-new#1' } }],
    stats: {},
  },
}
const worker = new Worker('orchestrator', async (job: Job<{ module_id: string }>) => STORED[job.data.module_id], { connection: workerConnection, prefix: queues.prefix })
t.teardown(async () => {
  await worker.close()
  await workerConnection.quit()
  await app.close()
  await deletePrefix(prefix)
})

async function completedJob(moduleId: string): Promise<string> {
  const [job] = await queues.enqueueGeneration({ mode: 'single_module', target: { module_id: moduleId, course_id: 'course-sr' } }, { tenant: 'tenant-a', principal: 'alice' })
  await waitFor(`job of ${moduleId} to complete`, async () => (await queues.getJob('orchestrator', job!.job_id, 'tenant-a'))?.state === 'completed')
  return job!.job_id
}

const oldJob = await completedJob('mod-old')
const newJob = await completedJob('mod-new')

t.test('a stored result of an older shape: the job with result null and a coded error', async (t) => {
  const res = await app.inject({ url: `/api/flashcards/orchestrator/jobs/${oldJob}`, headers: bearer(TOKEN_A) })
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  const { data } = res.json<{ data: { state: string; result: unknown; error: string } }>()
  t.equal(data.state, 'completed')
  t.equal(data.result, null)
  t.match(data.error, /^RESULT_UNREADABLE: .*older worker.*GET \/decks\/course-sr\/mod-old\)$/)
})

t.test('a stored result of this version is served as it is', async (t) => {
  const res = await app.inject({ url: `/api/flashcards/orchestrator/jobs/${newJob}`, headers: bearer(TOKEN_A) })
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  t.match(res.json(), { data: { state: 'completed', error: null, result: { module_id: 'mod-new', cards: [{ id: 'c-1' }] } } })
})

t.test('the list serves both', async (t) => {
  const res = await app.inject({ url: '/api/flashcards/orchestrator/jobs?course_id=course-sr', headers: bearer(TOKEN_A) })
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  const { items } = res.json<{ data: { items: { id: string; result: unknown; error: string | null }[] } }>().data
  t.match(Object.fromEntries(items.map((item) => [item.id, item])), {
    [oldJob]: { result: null, error: /^RESULT_UNREADABLE/ },
    [newJob]: { result: { cards: [{ id: 'c-1' }] }, error: null },
  })
})

t.test('its event stream serves the same job', async (t) => {
  const res = await app.inject({ url: `/api/flashcards/orchestrator/jobs/${oldJob}/events`, headers: bearer(TOKEN_A) })
  t.equal(res.statusCode, 200)
  const state = /^event: state\ndata: (.*)$/m.exec(res.body)?.[1]
  t.match(JSON.parse(state ?? 'null'), { id: oldJob, state: 'completed', result: null, error: /^RESULT_UNREADABLE/ }, res.body.slice(0, 300))
})
