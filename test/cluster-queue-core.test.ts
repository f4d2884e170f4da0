/**
 * queue-core on a real three-master Redis Cluster: only REDIS_URL changes. The prefix gets the
 * `{…}` hash tag, so every key of the queues lives in one slot and BullMQ's multi-key scripts
 * run; enqueue, processing, status, dedup, cancel requests, heartbeats and metrics all work.
 * The redis deck store meets its whole contract there, one hash tag per course.
 */
import t from 'tap'
import { Worker, type Job } from 'bullmq'
import { Registry } from 'prom-client'
import { CancelRequests, FlashcardQueues, createDeckStore, createRedis, closeRedis, registerFlashcardMetrics, type RedisConnection } from '../packages/queue-core/src/index.js'
import { deckStoreContract } from '../packages/queue-core/test/decks/contract.js'
import { waitFor } from '@flashcards/test-support'
import { startRedisCluster } from '@flashcards/test-support/redis'
import { uniquePrefix } from '@flashcards/test-support/redis'

const JOBS = 60
const owner = { tenant: 'tenant-c', principal: 'carol' }

const cluster = await startRedisCluster(3)
const basePrefix = uniquePrefix('cluster')
const queues = new FlashcardQueues({ connection: cluster.url, queuePrefix: basePrefix })
const workerConnection = createRedis(cluster.url, { role: 'worker', connectionName: 'test-cluster-worker' })
workerConnection.on('error', () => {})
const closers: (() => Promise<void>)[] = []
t.teardown(async () => {
  await Promise.all(closers.map((close) => close()))
  await queues.close()
  await closeRedis(workerConnection)
  await cluster.stop()
})
await queues.ready(10_000)

async function keysEverywhere(connection: RedisConnection, pattern: string): Promise<Map<number, string[]>> {
  const byPort = new Map<number, string[]>()
  for (const node of (connection as import('ioredis').Cluster).nodes('master')) {
    byPort.set(node.options.port!, await node.keys(pattern))
  }
  return byPort
}

/** Deletes every key matching `pattern` on every master, one key at a time (keys of several slots). */
async function deleteEverywhere(connection: RedisConnection, pattern: string): Promise<void> {
  for (const [, keys] of await keysEverywhere(connection, pattern)) {
    for (const key of keys) await connection.unlink(key)
  }
}

t.test('the queue prefix carries one hash tag', async (t) => {
  t.equal(queues.prefix, `{${basePrefix}}`)
})

t.test('jobs enqueued on the cluster are processed, with status, progress and results', async (t) => {
  const body = (i: number) => ({
    mode: 'single_module' as const,
    target: { course_id: 'course-c', module_id: `mod-${i}` },
    content: { format: 'text' as const, text: `Module ${i} text` },
  })
  // Queued while no worker runs: the same request again is the same job.
  const first = await queues.enqueueGeneration(body(0), owner)
  const again = await queues.enqueueGeneration(body(0), owner)
  t.equal(again[0]!.job_id, first[0]!.job_id, 'a queued duplicate returns the queued job')
  t.equal(again[0]!.deduplicated, true)
  const ids = [first[0]!.job_id]
  for (let i = 1; i < JOBS; i++) ids.push((await queues.enqueueGeneration(body(i), owner))[0]!.job_id)
  t.equal((await queues.counts('orchestrator')).waiting, JOBS)

  const runs = new Map<string, number>()
  const worker = new Worker(
    'orchestrator',
    async (job: Job) => {
      await job.updateProgress({ stage: 'cards', percent: 90 })
      runs.set(job.id!, (runs.get(job.id!) ?? 0) + 1)
      await queues.recordAttempt('orchestrator', { finished: { outcome: 'SUCCESS', durationSeconds: 0.01, cards: 2 } })
      return { module_id: job.data.module_id, cards: [] }
    },
    { connection: workerConnection, prefix: queues.prefix, concurrency: 8 },
  )
  closers.push(() => worker.close())
  await waitFor('every job to complete', async () => (await queues.counts('orchestrator')).completed === JOBS, 30_000)

  t.equal(runs.size, JOBS, 'every job ran')
  t.ok(
    [...runs.values()].every((n) => n === 1),
    'each exactly once',
  )
  const status = await queues.getJob('orchestrator', ids[7]!, owner.tenant)
  t.match(status, { id: ids[7], state: 'completed', result: { module_id: 'mod-7' } })
  t.equal(await queues.getJob('orchestrator', ids[7]!, 'another-tenant'), undefined, 'tenants stay apart on a cluster too')
  const page = await queues.listJobs({ queue: 'orchestrator', tenant: owner.tenant, state: 'completed', limit: 10 })
  t.equal(page.items.length, 10)

  // Every key the system wrote lives on the one master that owns the hash tag's slot.
  const owner_port = await cluster.ownerOf(`${queues.prefix}:orchestrator:id`)
  const keys = await keysEverywhere(workerConnection, `${queues.prefix}:*`)
  for (const [port, found] of keys) {
    if (port === owner_port) t.ok(found.length > JOBS, `the slot owner ${port} holds the queue (${found.length} keys)`)
    else t.same(found, [], `node ${port} holds no key of the queue`)
  }
})

t.test('metrics, heartbeats and cancel requests work on the cluster', async (t) => {
  await queues.beat('orchestrator', 'worker-1')
  t.same(
    (await queues.aliveWorkers()).map((w) => w.id),
    ['worker-1'],
  )

  const subscriber = createRedis(cluster.url, { role: 'worker', connectionName: 'test-cancel-listener' })
  subscriber.on('error', () => {})
  const heard: string[] = []
  const stop = await queues.listenForCancels(subscriber, 'orchestrator', (jobId) => heard.push(jobId))
  await new CancelRequests(queues.connection, queues.prefix).request('orchestrator', 'job-to-cancel')
  await waitFor('the cancel request to arrive', async () => heard.includes('job-to-cancel'))
  t.equal(await queues.isCancelRequested('orchestrator', 'job-to-cancel'), true)
  await stop()
  await closeRedis(subscriber)

  const registry = new Registry()
  registerFlashcardMetrics({ registry, queues })
  const text = await registry.metrics()
  t.match(text, new RegExp(`flashcard_jobs_enqueued_total\\{type="orchestrator"\\} ${JOBS}\\b`))
  t.match(text, new RegExp(`flashcard_jobs_completed_total\\{type="orchestrator"\\} ${JOBS}\\b`))
  t.match(text, new RegExp(`flashcard_cards_generated_total\\{type="orchestrator"\\} ${JOBS * 2}\\b`))
  t.match(text, /flashcard_workers_alive\{type="orchestrator"\} 1\b/)
  t.match(text, new RegExp(`flashcard_queue_depth\\{type="orchestrator",state="completed"\\} ${JOBS}\\b`))
})

t.test('without the hash tag BullMQ cannot run on a cluster (why the prefix is tagged)', async (t) => {
  const { Queue } = await import('bullmq')
  const untagged = new Queue('orchestrator', { connection: workerConnection, prefix: `${basePrefix}-untagged` })
  closers.push(() => untagged.close())
  await t.rejects(untagged.add('x', {}), /CROSSSLOT|Keys in request don't hash to the same slot/)
})

// The host's config keeps REDIS_URL at its default (one node) and hands over its own Cluster
// client: the store must tag its keys because the connection is a cluster, whatever the URL says.
const hostConfig = (queuePrefix: string) => ({
  decks: { store: 'redis' as const, databaseUrl: undefined },
  queue: { prefix: queuePrefix },
  redis: { url: 'redis://localhost:6379' },
})

t.test("the deck store contract on the cluster, through createDeckStore with the host's Cluster client", async (t) => {
  deckStoreContract(t, async () => {
    const prefix = uniquePrefix('cluster-decks')
    const store = await createDeckStore(hostConfig(prefix), { redis: workerConnection })
    return {
      store,
      cleanup: async () => {
        await store.close()
        await deleteEverywhere(workerConnection, `${prefix}:*`)
      },
    }
  })
})

t.test("a course's deck keys share one slot; createDeckStore opens its own cluster client from a cluster REDIS_URL", async (t) => {
  const prefix = uniquePrefix('cluster-decks')
  const store = await createDeckStore({ ...hostConfig(prefix), redis: { url: cluster.url } })
  // Its own client keeps the process alive until closed, even when an assertion throws.
  t.teardown(async () => {
    await store.close()
    await deleteEverywhere(workerConnection, `${prefix}:*`)
  })
  const cards = (module_id: string) => [
    { id: `${module_id}-1`, type: 'basic' as const, front: 'Which node owns this slot?', back: 'one', source: { module_id, chunk_id: `${module_id}#1` } },
  ]
  for (const module_id of ['m1', 'm2', 'm3']) {
    await store.writeRevision({ tenant: 'tenant-c', course_id: 'course-k', module_id }, { job_id: `job-${module_id}`, cards: cards(module_id) })
  }
  t.same(
    (await store.listDecks('tenant-c', 'course-k')).items.map((d) => d.module_id),
    ['m1', 'm2', 'm3'],
  )
  t.equal(await store.deleteDeck({ tenant: 'tenant-c', course_id: 'course-k', module_id: 'm2' }), true)

  const keys = await keysEverywhere(workerConnection, `${prefix}:decks:*`)
  const holders = [...keys].filter(([, found]) => found.length > 0)
  t.equal(holders.length, 1, 'one master holds every key of the course')
  t.ok(
    holders[0]![1].every((key) => key.includes('{tenant-c:course-k}')),
    "each key carries the course's hash tag",
  )
})
