/**
 * A job's status is one atomic read: while real BullMQ workers race jobs through waiting,
 * active, completed and failed, readers on their own connection never see a state that
 * contradicts the job's fields (completed without a result, failed without an error or an
 * attempt, active without a start).
 */
import t from 'tap'
import { Worker, type Job } from 'bullmq'
import { FlashcardQueues } from '../src/client/index.js'
import type { JobStatus } from '../src/status.js'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

const JOBS = 400
const READERS = 12
const tenant = { tenant: 'tenant-race', principal: 'racer' }

/** What a status may never say, whatever moment it was read at. */
function contradictions(status: JobStatus): string[] {
  const found: string[] = []
  if (status.state === 'completed' && (status.result === null || status.finished_at === null)) found.push('completed without result')
  if (status.state === 'failed' && (status.error === null || status.attempts_made === 0)) found.push('failed without error or attempt')
  if (status.state === 'active' && status.started_at === null) found.push('active without started_at')
  if (status.state === 'waiting' && (status.result !== null || status.error !== null)) found.push('waiting with an outcome')
  return found
}

t.test('status reads never contradict themselves while jobs change state', async (t) => {
  const prefix = uniquePrefix('race')
  const producer = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: prefix, jobAttempts: 1 })
  const reader = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: prefix })
  const worker = new Worker(
    'orchestrator',
    async (job: Job) => {
      // Every other job fails on its first and only attempt; the rest complete with a result.
      if (Number(job.data.module_id.slice(2)) % 2 === 1) throw new Error(`failed ${job.data.module_id}`)
      return { cards: [{ id: job.data.module_id }] }
    },
    { connection: { url: TEST_REDIS_URL, maxRetriesPerRequest: null }, prefix, concurrency: 16, autorun: false },
  )
  t.teardown(async () => {
    await worker.close()
    await producer.close()
    await reader.close()
    await deletePrefix(prefix)
  })

  const ids: string[] = []
  for (let i = 0; i < JOBS; i += 100) {
    const module_ids = Array.from({ length: 100 }, (_, k) => `m-${i + k}`)
    const jobs = await producer.enqueueGeneration({ mode: 'modules', target: { course_id: 'race', module_ids } }, tenant)
    ids.push(...jobs.map((job) => job.job_id))
  }
  const finished = new Set<string>()
  const seen: Record<string, number> = {}
  const problems: string[] = []
  let reads = 0
  const readLoop = async (offset: number) => {
    for (let i = offset; finished.size < ids.length; i = (i + 1) % ids.length) {
      const id = ids[i]!
      if (finished.has(id)) continue
      const status = await reader.getJob('orchestrator', id, tenant.tenant)
      reads++
      if (!status) throw new Error(`job ${id} vanished`)
      seen[status.state] = (seen[status.state] ?? 0) + 1
      for (const problem of contradictions(status)) problems.push(`${id}: ${problem} ${JSON.stringify(status)}`)
      if (status.state === 'completed' || status.state === 'failed') finished.add(id)
    }
  }
  const started = Date.now()
  void worker.run()
  await Promise.all(Array.from({ length: READERS }, (_, r) => readLoop(Math.floor((r * ids.length) / READERS))))
  t.comment(
    `consistent reads: jobs=${JOBS} readers=${READERS} reads=${reads} states_seen=${JSON.stringify(seen)} ` +
      `contradictions=${problems.length} elapsed_ms=${Date.now() - started}`,
  )
  t.same(problems.slice(0, 5), [], 'no status contradicts itself')
  t.ok((seen.active ?? 0) > 0 && (seen.completed ?? 0) > 0 && (seen.failed ?? 0) > 0, 'reads saw jobs active, completed and failed')
})
