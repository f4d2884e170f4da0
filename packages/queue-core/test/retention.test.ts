/**
 * Retention is configurable: KEEP_COMPLETED_JOBS / KEEP_COMPLETED_AGE_S / KEEP_FAILED_JOBS /
 * KEEP_FAILED_AGE_S, read by loadConfig, travel with every job the client adds, and a real
 * BullMQ worker keeps no more finished jobs than they say.
 */
import t from 'tap'
import { Worker, type Job } from 'bullmq'
import { FlashcardQueues } from '../src/client/index.js'
import { loadConfig } from '../src/config/index.js'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

const owner = { tenant: 'tenant-keep', principal: 'keeper' }

t.test('finished jobs are trimmed to the configured counts, with the configured ages on each job', async (t) => {
  const prefix = uniquePrefix('retention')
  const config = loadConfig({ KEEP_COMPLETED_JOBS: '3', KEEP_COMPLETED_AGE_S: '120', KEEP_FAILED_JOBS: '2', KEEP_FAILED_AGE_S: '240' })
  const queues = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: prefix, jobAttempts: 1, retention: config.queue.retention })
  const worker = new Worker(
    'orchestrator',
    async (job: Job) => {
      if (job.data.module_id.startsWith('fail')) throw new Error('kept failing')
      return { cards: [] }
    },
    { connection: { url: TEST_REDIS_URL, maxRetriesPerRequest: null }, prefix, concurrency: 1, autorun: false },
  )
  t.teardown(async () => {
    await worker.close()
    await queues.close()
    await deletePrefix(prefix)
  })
  const module_ids = [...Array.from({ length: 8 }, (_, i) => `ok-${i}`), ...Array.from({ length: 6 }, (_, i) => `fail-${i}`)]
  const jobs = await queues.enqueueGeneration({ mode: 'modules', target: { course_id: 'keep', module_ids } }, owner)
  const raw = await queues.queue('orchestrator').getJob(jobs[0]!.job_id)
  t.same(raw?.opts.removeOnComplete, { count: 3, age: 120 }, 'completed retention on the job')
  t.same(raw?.opts.removeOnFail, { count: 2, age: 240 }, 'failed retention on the job')

  let finished = 0
  worker.on('completed', () => finished++)
  worker.on('failed', () => finished++)
  void worker.run()
  const deadline = Date.now() + 20_000
  while (finished < module_ids.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal(finished, module_ids.length, 'every job ran')
  const counts = await queues.counts('orchestrator')
  t.comment(`retention: completed_run=8 failed_run=6 kept_completed=${counts.completed} kept_failed=${counts.failed} (KEEP_COMPLETED_JOBS=3 KEEP_FAILED_JOBS=2)`)
  t.equal(counts.completed, 3, 'KEEP_COMPLETED_JOBS completed jobs kept')
  t.equal(counts.failed, 2, 'KEEP_FAILED_JOBS failed jobs kept')
  const newest = await queues.getJob('orchestrator', jobs[7]!.job_id, owner.tenant)
  t.equal(newest?.state, 'completed', 'the newest completed job is still readable')
  t.equal(await queues.getJob('orchestrator', jobs[0]!.job_id, owner.tenant), undefined, 'the oldest one is gone')
})
