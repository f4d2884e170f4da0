/**
 * The tenant index behind listing, on a real Redis: lists read only the caller's own index (so a
 * tenant's job is found behind any number of other tenants' jobs, with the same Redis commands:
 * counted on a private redis-server), no tenant name reaches into
 * another's keys, dedup adds no entry, and entries of jobs that retention or a cancel removed
 * leave the index.
 */
import t from 'tap'
import { Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { FlashcardQueues } from '../src/client/index.js'
import { startPrivateRedis } from '@flashcards/test-support/redis'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

const prefix = uniquePrefix('tindex')
const queues = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: prefix, jobAttempts: 1 })
const redis = new Redis(TEST_REDIS_URL)
t.teardown(async () => {
  await queues.close()
  redis.disconnect()
  await deletePrefix(prefix)
})

const owner = (tenant: string) => ({ tenant, principal: `${tenant}-user` })
const modules = (course_id: string, module_ids: string[]) => ({ mode: 'modules' as const, target: { course_id, module_ids } })

/** Members of every index set of `tenant` in the orchestrator queue. */
async function indexSizes(tenant: string): Promise<Record<string, number>> {
  const base = `${prefix}:orchestrator:x:jobs:t:${encodeURIComponent(tenant)}`
  const keys = [base, ...(await redis.keys(`${base}:*`))]
  const sizes: Record<string, number> = {}
  for (const key of keys) sizes[key.slice(base.length) || '(tenant)'] = await redis.zcard(key)
  return sizes
}

/** Commands Redis ran (scripts' own calls included), by name, while `run` ran, on a Redis nobody else uses. */
async function commandsDuring(admin: Redis, run: () => Promise<unknown>): Promise<Record<string, number>> {
  const stats = async () => {
    const info = await admin.info('commandstats')
    return new Map([...info.matchAll(/cmdstat_(\S+?):calls=(\d+)/g)].map(([, name, calls]) => [name!, Number(calls)]))
  }
  const before = await stats()
  await run()
  const after = await stats()
  const ran: Record<string, number> = {}
  for (const [name, calls] of after) {
    // The INFO that read `before` is counted in `after`.
    const delta = calls - (before.get(name) ?? 0) - (name === 'info' ? 1 : 0)
    if (delta > 0) ran[name] = delta
  }
  return ran
}

const total = (ran: Record<string, number>) => Object.values(ran).reduce((sum, n) => sum + n, 0)

t.test('a tenant is listed behind 10,000 jobs of another tenant, with the same Redis work', async (t) => {
  const server = await startPrivateRedis()
  const own = new FlashcardQueues({ connection: server.url, queuePrefix: 'flashcard' })
  const admin = new Redis(server.url)
  t.teardown(async () => {
    admin.disconnect()
    await own.close()
    await server.stop()
  })
  const [mine] = await own.enqueueGeneration({ mode: 'single_module', target: { course_id: 'shared', module_id: 'mod-0' } }, owner('tenant-b'))
  const listB = (query: object) => own.listJobs({ queue: 'orchestrator', tenant: 'tenant-b', ...query })
  const queries = [{}, { module_id: 'mod-0' }, { course_id: 'shared', state: 'waiting' as const }]
  const costs = async () => {
    const ran: Record<string, number>[] = []
    for (const query of queries) ran.push(await commandsDuring(admin, () => listB(query)))
    return ran
  }
  await listB({}) // the first call loads the script (EVAL); later ones run it by its SHA
  const costBefore = await costs()
  const addStarted = Date.now()
  // 100 requests of 100 modules, each added and indexed in one MULTI; the first holds tenant-b's course and module ids.
  for (let batch = 0; batch < 100; batch++) {
    const ids = Array.from({ length: 100 }, (_, i) => `mod-${batch * 100 + i}`)
    await own.enqueueGeneration(modules(batch % 2 === 0 ? 'shared' : `course-${batch}`, ids), owner('tenant-a'))
  }
  const addMs = Date.now() - addStarted
  const costAfter = await costs()
  for (const query of queries) {
    const page = await listB(query)
    t.same(
      page.items.map((job) => job.id),
      [mine!.job_id],
      `tenant-b's job, behind 10,000 newer jobs of tenant-a: ${JSON.stringify(query)}`,
    )
  }
  t.same(costAfter, costBefore, 'each list runs the same Redis commands with and without the 10,000 other jobs')
  const aPage = await own.listJobs({ queue: 'orchestrator', tenant: 'tenant-a', limit: 100 })
  t.equal(aPage.items.length, 100, "tenant-a's own first page is full")
  t.ok(
    aPage.items.every((job) => job.id !== mine!.job_id),
    "and never shows tenant-b's job",
  )
  const aLast = await own.listJobs({ queue: 'orchestrator', tenant: 'tenant-a', limit: 100, offset: 9_900 })
  t.equal(aLast.items.length, 100, 'the last page of 10,000')
  t.equal(aLast.next_offset, null)
  const started = performance.now()
  await listB({ module_id: 'mod-0' })
  const counts = await own.counts('orchestrator')
  t.equal(counts.waiting, 10_001)
  t.comment(
    `tenant index: other_tenant_jobs=10000 waiting_in_queue=${counts.waiting} add_ms=${addMs} (100 MULTIs of 100) ` +
      `redis_commands_per_list before=${JSON.stringify(costBefore.map(total))} after=${JSON.stringify(costAfter.map(total))} ` +
      `(${JSON.stringify(costAfter[0])}) ` +
      `list_ms=${(performance.now() - started).toFixed(1)}`,
  )
})

t.test("no tenant name reaches into another tenant's index", async (t) => {
  await queues.enqueueGeneration(modules('crs', ['m-x']), owner('acme'))
  // Names that spell acme's course and module index keys, were tenants not encoded.
  for (const tenant of ['acme:c:crs', 'acme:m:m-x', 'acme%3Ac%3Acrs', 'acme:', 'ACME']) {
    for (const query of [{}, { course_id: 'crs' }, { module_id: 'm-x' }]) {
      const page = await queues.listJobs({ queue: 'orchestrator', tenant, ...query })
      t.same(page.items, [], `${JSON.stringify(tenant)} ${JSON.stringify(query)} lists nothing`)
    }
  }
  t.equal((await queues.listJobs({ queue: 'orchestrator', tenant: 'acme', module_id: 'm-x' })).items.length, 1)
})

t.test('a deduplicated enqueue adds no entry; a cancelled job leaves the index', async (t) => {
  const tenant = 'tenant-dedup'
  const [first] = await queues.enqueueGeneration(modules('c-d', ['m-d']), owner(tenant))
  const [again] = await queues.enqueueGeneration(modules('c-d', ['m-d']), owner(tenant))
  t.equal(again!.deduplicated, true)
  t.same(await indexSizes(tenant), { '(tenant)': 1, ':c:c-d': 1, ':m:m-d': 1 }, 'one entry per index')
  t.equal(await queues.cancel('orchestrator', first!.job_id, tenant), 'removed')
  t.same(await indexSizes(tenant), { '(tenant)': 0 }, 'every index set is gone with the job')
  t.same((await queues.listJobs({ queue: 'orchestrator', tenant })).items, [])
})

t.test('jobs that retention removed leave the lists and the index', async (t) => {
  const p = uniquePrefix('tindex-keep')
  const retention = { removeOnComplete: { count: 2, age: 3600 }, removeOnFail: { count: 2, age: 3600 } }
  const kept = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: p, jobAttempts: 1, retention })
  const worker = new Worker('orchestrator', async () => ({ cards: [] }), {
    connection: { url: TEST_REDIS_URL, maxRetriesPerRequest: null },
    prefix: p,
    autorun: false,
  })
  t.teardown(async () => {
    await worker.close()
    await kept.close()
    await deletePrefix(p)
  })
  const tenant = 'tenant-keep'
  const ids = Array.from({ length: 30 }, (_, i) => `k-${i}`)
  await kept.enqueueGeneration(modules('c-k', ids), owner(tenant))
  let done = 0
  worker.on('completed', () => done++)
  void worker.run()
  const deadline = Date.now() + 20_000
  while (done < ids.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal(done, ids.length, 'all 30 completed; retention keeps 2')
  const listed = await kept.listJobs({ queue: 'orchestrator', tenant, limit: 100 })
  const keptIds = (await kept.queue('orchestrator').getJobs(['completed'])).map((job) => job.id).sort()
  t.equal(keptIds.length, 2)
  t.same(listed.items.map((job) => job.id).sort(), keptIds, 'the list shows the 2 jobs retention kept')
  const key = `${p}:orchestrator:x:jobs:t:${tenant}`
  t.equal(await redis.zcard(key), 2, 'the list dropped the 28 removed entries it met')
  t.equal(await redis.zcard(`${key}:m:k-0`), 0, "and from the removed jobs' module indexes")
  // A tenant that never lists: the sweep on each add cleans its index as it adds.
  await kept.enqueueGeneration(modules('c-k2', ids), owner('tenant-sweep'))
  worker.removeAllListeners('completed')
  let swept = 0
  worker.on('completed', () => swept++)
  while (swept < ids.length && Date.now() < deadline + 20_000) await new Promise((resolve) => setTimeout(resolve, 20))
  const sweepKey = `${p}:orchestrator:x:jobs:t:tenant-sweep`
  const staleBefore = (await redis.zcard(sweepKey)) - 2
  await worker.pause()
  // Each add checks the next 8 members from where the last one stopped: round 30 members in at most 5 adds.
  const adds = 5
  for (let i = 0; i < adds; i++) await kept.enqueueGeneration(modules(`c-s${i}`, ['s']), owner('tenant-sweep'))
  const staleAfter = (await redis.zcard(sweepKey)) - 2 - adds
  t.comment(`tenant index sweep: stale_before=${staleBefore} adds=${adds} stale_after=${staleAfter}`)
  t.equal(staleBefore, 28, '28 entries of removed jobs before')
  t.equal(staleAfter, 0, `${adds} adds swept them all`)
})
