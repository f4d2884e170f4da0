/*
 * Workers trust no enqueuer: jobs added straight to Redis with BullMQ (not through the API or the
 * queue client) whose payload does not match queue-core's schemas fail at once, unrecoverable,
 * with an error naming the job and the field, and the worker fetches and writes nothing for them.
 */
import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import t from 'tap'
import { Queue, type Job } from 'bullmq'
import { Redis } from 'ioredis'
import { DEFAULT_SETTINGS, JOB_NAMES } from '@flashcards/queue-core'
import { TEST_REDIS_URL } from '@flashcards/test-support/redis'
import { TRANSCRIBE_FILE_JOB } from '../src/transcription/index.js'
import { WEBHOOK_QUEUE } from '../src/webhooks/index.js'
import { fileHandler } from './fixtures/servers.js'
import { loopback, transcriptionHarness } from './fixtures/transcription-harness.js'
import { orchestratorHarness } from './orchestrator/harness.js'

const settings = { ...DEFAULT_SETTINGS }
const victim = { tenant: 'tenant-a', principal: 'alice' }

async function failedOrCompleted(queue: Queue, id: string, timeoutMs = 15_000): Promise<Job> {
  for (const deadline = Date.now() + timeoutMs; ; await new Promise((r) => setTimeout(r, 25))) {
    const state = await queue.getJobState(id)
    if (state === 'failed' || state === 'completed') return (await queue.getJob(id))!
    if (Date.now() > deadline) throw new Error(`job ${id} still ${state} after ${timeoutMs} ms`)
  }
}

t.test('forged transcription jobs fail at once and write nothing; a valid job beside them completes', async (t) => {
  const files = await loopback(t, fileHandler({ '/notes.txt': { body: 'Tides follow the moon.', type: 'text/plain' } }))
  const h = await transcriptionHarness(t, { JOB_ATTEMPTS: '3' })
  await h.start()
  const queue = h.queues.queue('transcription')
  // The attack: a course id that climbs out of CONTENT_DIR, for another tenant.
  const escape = `escape-${Date.now()}`
  const url = `${files.url}/notes.txt`
  const forged = [
    { name: TRANSCRIBE_FILE_JOB, field: 'course_id', data: { course_id: `../${escape}`, module_id: 'm', files: [{ file_id: 'f', url }] } },
    { name: TRANSCRIBE_FILE_JOB, field: 'file_id', data: { course_id: 'c', module_id: 'm', files: [{ file_id: `../../${escape}`, url }] } },
    { name: TRANSCRIBE_FILE_JOB, field: 'module_id', data: { course_id: 'c', module_id: 'a/b', files: [{ file_id: 'f', url }] } },
    { name: JOB_NAMES.transcription, field: 'course_id', data: { course_id: `..\\${escape}`, module_id: 'm', files: [{ file_id: 'f', url }] } },
    { name: TRANSCRIBE_FILE_JOB, field: 'owner', data: { course_id: 'c', module_id: 'm', files: [{ file_id: 'f', url }], owner: undefined } },
  ]
  const started = Date.now()
  const added = await Promise.all(
    forged.map((f) => queue.add(f.name, { kind: 'transcription', settings, owner: victim, ...f.data }, { attempts: 3, backoff: { type: 'fixed', delay: 10 } })),
  )
  const control = await h.enqueue('mod-control', [{ file_id: 'notes', url }])
  const outcomes = await Promise.all(added.map((job) => failedOrCompleted(queue, job.id!)))
  const elapsed = Date.now() - started
  for (const [i, job] of outcomes.entries()) {
    const { name, field } = forged[i]!
    t.equal(await job.getState(), 'failed', `${name} with a bad ${field} fails`)
    t.equal(job.attemptsMade, 1, 'at once: no retry')
    t.match(job.failedReason, new RegExp(`^Invalid ${name} job payload: job\\.data\\.(files\\.0\\.)?${field}`), 'the error names the job and the field')
  }
  t.equal((await h.finished(control.job_id)).returnvalue?.transcripts?.length, 1, 'the valid job beside them completes')
  const fetchedForForged = files.requests.length - 1
  const escaped = existsSync(join(dirname(h.contentDir), escape))
  t.equal(fetchedForForged, 0, 'only the valid job fetched its file')
  t.notOk(escaped, 'nothing written outside CONTENT_DIR')
  t.same(await readdir(h.contentDir), ['.tenants'], 'inside it only the submissions folder')
  t.same(await readdir(join(h.contentDir, '.tenants')), ['acme'], "holding the valid job's tenant only, not the forged owner's")
  t.comment(
    `forged payloads: transcription jobs=${forged.length} failed_at_once=${outcomes.filter((j) => j.attemptsMade === 1).length} files_fetched_for_them=${fetchedForForged} written_outside=${escaped} elapsed_ms=${elapsed}`,
  )
})

t.test('forged generation and webhook jobs fail at once', async (t) => {
  const h = await orchestratorHarness(t, { WEBHOOK_SECRET: 'whsec-forged' })
  await h.start({ webhookBackoffMs: 10 })
  const orchestrator = h.queues.queue('orchestrator')
  const moduleJob = await orchestrator.add(JOB_NAMES.module, { kind: 'module', course_id: '../../etc', module_id: 'passwd', settings, owner: victim }, { attempts: 3 })
  const courseJob = await orchestrator.add(
    JOB_NAMES.course,
    { kind: 'course', course_id: 'c', settings: { ...settings, target_card_count: 10_000 }, owner: victim },
    { attempts: 3 },
  )
  const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null })
  const webhooks = new Queue(WEBHOOK_QUEUE, { connection, prefix: h.prefix })
  t.teardown(async () => {
    await webhooks.close()
    connection.disconnect()
  })
  const delivery = await webhooks.add('deliver', { url: 'file:///etc/passwd', event: { id: 'x-completed' } }, { attempts: 3 })
  const [forgedModule, forgedCourse, forgedDelivery] = await Promise.all([
    failedOrCompleted(orchestrator, moduleJob.id!),
    failedOrCompleted(orchestrator, courseJob.id!),
    failedOrCompleted(webhooks, delivery.id!),
  ])
  t.match(forgedModule.failedReason, /^Invalid generate-module job payload: job\.data\.course_id must match pattern/)
  t.match(forgedCourse.failedReason, /^Invalid expand-course job payload: job\.data\.settings\.target_card_count must be <= 200/)
  t.match(forgedDelivery.failedReason, /^Invalid deliver job payload: job\.data\.url must match pattern.*job\.data\.event\.type is required/)
  t.same(
    [forgedModule, forgedCourse, forgedDelivery].map((job) => job.attemptsMade),
    [1, 1, 1],
    'none retried',
  )
})
