import t from 'tap'
import { Worker, type Job } from 'bullmq'
import { Redis } from 'ioredis'
import { deletePrefix, uniquePrefix } from '@flashcards/test-support/redis'
import { bearer, buildApp, TEST_REDIS_URL, TOKEN_A, TOKEN_B } from './helpers.js'
import { waitFor } from '@flashcards/test-support'

const prefix = uniquePrefix('events')
// One attempt per job, so a failure is final and ends the stream.
const app = await buildApp(prefix, { metrics: false, openapi: false, eventsHeartbeatMs: 200, jobAttempts: 1 })
const address = await app.listen({ host: '127.0.0.1', port: 0 })
const { queues, events: hub } = app.flashcards
const workerConnection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null })

/** Each running job waits here until the test lets it complete or fail. */
const gates = new Map<string, (outcome: 'complete' | 'fail') => void>()
const worker = new Worker(
  'orchestrator',
  async (job: Job) => {
    await job.updateProgress({ percent: 30, step: 'stage_a' })
    const outcome = await new Promise<'complete' | 'fail'>((resolve) => gates.set(job.id!, resolve))
    await job.updateProgress({ percent: 90, step: 'stage_b' })
    if (outcome === 'fail') throw new Error('the LLM answered nonsense twice')
    const source = { module_id: job.data.module_id, chunk_id: `${job.data.module_id}#1` }
    return { module_id: job.data.module_id, course_id: job.data.course_id, cards: [{ id: 'c1', type: 'basic', front: 'Q?', back: 'A', source }], stats: {} }
  },
  { connection: workerConnection, prefix: queues.prefix, concurrency: 5 },
)
t.teardown(async () => {
  for (const release of gates.values()) release('complete')
  await worker.close()
  await workerConnection.quit()
  await app.close()
  await deletePrefix(prefix)
})

async function enqueue(moduleId: string): Promise<string> {
  const [job] = await queues.enqueueGeneration(
    { mode: 'single_module', target: { module_id: moduleId, course_id: 'course-ev' }, settings: { target_card_count: 3 } },
    { tenant: 'tenant-a', principal: 'alice' },
  )
  return job!.job_id
}

const release = async (jobId: string, outcome: 'complete' | 'fail') => {
  await waitFor(`job ${jobId} to start`, () => gates.has(jobId))
  gates.get(jobId)!(outcome)
}

interface SseEvent {
  event: string
  data: { [key: string]: unknown }
}

/** Reads an event stream to its end; `onEvent` sees each event as it arrives. */
async function readEvents(response: Response, onEvent?: (event: SseEvent) => void): Promise<SseEvent[]> {
  const events: SseEvent[] = []
  let buffer = ''
  const decoder = new TextDecoder()
  for await (const chunk of response.body!) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true })
    let split: number
    while ((split = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, split)
      buffer = buffer.slice(split + 2)
      if (block.startsWith(':')) continue
      const event = { event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message', data: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null') }
      events.push(event)
      onEvent?.(event)
    }
  }
  return events
}

const open = (jobId: string, token = TOKEN_A, signal?: AbortSignal) =>
  fetch(`${address}/api/flashcards/orchestrator/jobs/${jobId}/events`, { headers: bearer(token), ...(signal ? { signal } : {}) })

t.test('a stream sends the state, then progress, then completed with the result, and ends', async (t) => {
  const jobId = await enqueue('mod-ev-1')
  const res = await open(jobId)
  t.equal(res.status, 200)
  t.match(res.headers.get('content-type'), /^text\/event-stream/)
  // Release the job only once the stream has shown it, so the later events are observed live.
  const events = await readEvents(res, (event) => {
    if (event.event === 'state') void release(jobId, 'complete')
  })
  t.equal(events[0]?.event, 'state')
  t.match(events[0]?.data, { id: jobId, queue: 'orchestrator' })
  t.match(
    events.find((e) => e.event === 'progress' && (e.data.progress as { percent: number }).percent === 90),
    { data: { job_id: jobId, progress: { percent: 90, step: 'stage_b' } } },
    'progress events arrive',
  )
  t.equal(events.at(-1)?.event, 'completed', 'completed is the last event, then the stream ends')
  t.match(events.at(-1)?.data, { id: jobId, state: 'completed', result: { module_id: 'mod-ev-1', cards: [{ id: 'c1' }] } })
  await waitFor('the listener to be released', () => hub.listenerCount === 0)
})

t.test('a failing job ends its stream with failed and the reason', async (t) => {
  const jobId = await enqueue('mod-ev-2')
  const events = await readEvents(await open(jobId), (event) => {
    if (event.event === 'state') void release(jobId, 'fail')
  })
  t.equal(events[0]?.event, 'state')
  t.equal(events.at(-1)?.event, 'failed')
  t.match(events.at(-1)?.data, { id: jobId, state: 'failed', error: 'the LLM answered nonsense twice' })
})

t.test('a job removed while followed ends the stream with removed (transcription route)', async (t) => {
  // No transcription worker runs here: the job stays waiting until it is cancelled.
  const { job_id } = await queues.enqueueTranscription(
    { module_id: 'mod-ev-tr', course_id: 'course-ev', files: [{ file_id: 'f1', url: 'https://cdn.example.com/a.mp4' }] },
    { tenant: 'tenant-a', principal: 'alice' },
  )
  const res = await fetch(`${address}/api/flashcards/transcription/jobs/${job_id}/events`, { headers: bearer(TOKEN_A) })
  t.equal(res.status, 200)
  const events = await readEvents(res, (event) => {
    if (event.event === 'state') void queues.cancel('transcription', job_id, 'tenant-a')
  })
  t.same(
    events.map((e) => e.event),
    ['state', 'removed'],
  )
  t.match(events[0]?.data, { id: job_id, queue: 'transcription', state: 'waiting' })
})

t.test('a finished job gets its final state and the stream ends at once', async (t) => {
  const jobId = await enqueue('mod-ev-3')
  await release(jobId, 'complete')
  await waitFor('the job to complete', async () => (await queues.getJob('orchestrator', jobId, 'tenant-a'))?.state === 'completed')
  const events = await readEvents(await open(jobId))
  t.same(
    events.map((e) => e.event),
    ['state'],
  )
  t.match(events[0]?.data, { state: 'completed' })
})

t.test('keep-alive comments on an idle stream; a client that leaves releases its listener', async (t) => {
  const jobId = await enqueue('mod-ev-4')
  await waitFor('the job to start', () => gates.has(jobId))
  const controller = new AbortController()
  const res = await open(jobId, TOKEN_A, controller.signal)
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  while ((text.match(/^: keep-alive$/gm) ?? []).length < 2) {
    const { value, done } = await reader.read()
    if (done) break
    text += decoder.decode(value, { stream: true })
  }
  t.equal((text.match(/^: keep-alive$/gm) ?? []).length, 2, 'keep-alive comments arrive while nothing happens')
  t.equal(hub.listenerCount, 1, 'one listener while the client is connected')
  controller.abort()
  await waitFor('the listener to be released', () => hub.listenerCount === 0)
  t.pass('the listener is released once the client disconnects')
  await release(jobId, 'complete')
})

t.test('another tenant, an unknown job and a missing token are refused before streaming', async (t) => {
  const jobId = await enqueue('mod-ev-5')
  const foreign = await open(jobId, TOKEN_B)
  t.equal(foreign.status, 404)
  t.match(await foreign.json(), { success: false, error: { code: 'NOT_FOUND' } })
  const unknown = await open('no-such-job')
  t.equal(unknown.status, 404)
  const anonymous = await fetch(`${address}/api/flashcards/orchestrator/jobs/${jobId}/events`)
  t.equal(anonymous.status, 401)
  t.equal(hub.listenerCount, 0, 'refused requests leave no listener behind')
  await release(jobId, 'complete')
})

t.test('closing the app ends open streams instead of waiting for them', async (t) => {
  const otherPrefix = uniquePrefix('events-close')
  const other = await buildApp(otherPrefix, { metrics: false, openapi: false })
  const otherAddress = await other.listen({ host: '127.0.0.1', port: 0 })
  const { job_id } = (
    await other.flashcards.queues.enqueueGeneration({ mode: 'single_module', target: { module_id: 'm', course_id: 'c' } }, { tenant: 'tenant-a', principal: 'alice' })
  )[0]!
  const res = await fetch(`${otherAddress}/api/flashcards/orchestrator/jobs/${job_id}/events`, { headers: bearer(TOKEN_A) })
  const reading = readEvents(res)
  await waitFor('the stream to open', () => other.flashcards.events.listenerCount === 1)
  const started = Date.now()
  await other.close()
  t.ok(Date.now() - started < 5_000, 'close did not wait for the stream')
  t.same(
    (await reading).map((e) => e.event),
    ['state'],
  )
  await deletePrefix(otherPrefix)
})
