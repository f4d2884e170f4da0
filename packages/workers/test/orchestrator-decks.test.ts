import t from 'tap'
import type { ModuleResult } from '@flashcards/queue-core'
import { RedisDeckStore } from '@flashcards/queue-core'
import { Redis } from 'ioredis'
import { TEST_REDIS_URL } from '@flashcards/test-support/redis'
import { orchestratorHarness, owner } from './orchestrator/harness.js'

const TEXT = [
  '# Payslips',
  'A payslip is the monthly statement of what an employee earned and what was deducted.',
  'Gross pay is the amount earned before tax and other deductions.',
  'Net pay is the amount paid out after every deduction.',
].join('\n\n')

function deckStoreFor(t: { teardown(fn: () => unknown): void }, prefix: string): RedisDeckStore {
  const store = new RedisDeckStore({ connection: new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 }), prefix, cluster: false, ownsConnection: true })
  t.teardown(() => store.close())
  return store
}

t.test('a completed module job writes its deck revision once, through retries, and the result hook still runs', async (t) => {
  const h = await orchestratorHarness(t)
  const hookCalls: string[] = []
  await h.start({
    onResult: async (result, info) => {
      hookCalls.push(info.jobId)
      // The first attempt fails after the deck is written: the retry must not write it again.
      if (hookCalls.length === 1) throw new Error('host database briefly down')
      t.equal(result.deck?.revision, 1, 'the hook sees the revision')
    },
    tuning: { drainDelay: 1 },
  })
  const [job] = await h.generate({
    mode: 'single_module',
    target: { course_id: 'course-pay', module_id: 'mod-pay' },
    settings: { target_card_count: 2, card_types: ['basic'] },
    content: { format: 'markdown', text: TEXT, title: 'Payslips' },
  })
  const done = await h.finished(job!.job_id, 60_000)
  t.equal(await done.getState(), 'completed', String(done.failedReason))
  t.equal(done.attemptsMade, 2, 'the first attempt failed in the hook')
  t.same(hookCalls, [job!.job_id, job!.job_id])
  const result = done.returnvalue as ModuleResult
  t.same(result.deck, { revision: 1 })

  const store = deckStoreFor(t, h.prefix)
  const deck = await store.getDeck({ tenant: owner.tenant, course_id: 'course-pay', module_id: 'mod-pay' })
  t.match(deck, { revision: 1, revisions: 1, job_id: job!.job_id, module_title: 'Payslips', total: result.cards.length })
  t.same(
    deck!.cards.map((c) => c.id),
    result.cards.map((c) => c.id),
    "the deck holds the job's cards",
  )
  t.equal(await store.getDeck({ tenant: 'someone-else', course_id: 'course-pay', module_id: 'mod-pay' }), null, "under the job's tenant only")
})

t.test('job retention never touches decks: 1,100 jobs kept to 10, every revision intact', async (t) => {
  const h = await orchestratorHarness(t, { WORKER_CONCURRENCY: '16' })
  const modules = Array.from({ length: 100 }, (_, i) => `mod-${String(i).padStart(3, '0')}`)
  const runs = 11
  const jobs = modules.flatMap((module_id) =>
    Array.from({ length: runs }, (_, run) => ({
      name: 'generate-module',
      data: {
        kind: 'module',
        module_id,
        course_id: 'course-ret',
        owner,
        settings: { target_card_count: 1, card_types: ['basic'], language: 'en' },
        content: { format: 'text', text: `${TEXT}\n\nRun ${run} of ${module_id}.` },
      },
      opts: { removeOnComplete: { count: 10 }, removeOnFail: { count: 10 } },
    })),
  )
  const queue = h.queues.queue('orchestrator')
  await queue.addBulk(jobs)
  await h.start({ tuning: { drainDelay: 1 } })
  const store = deckStoreFor(t, h.prefix)
  const deadline = Date.now() + 240_000
  let listed = 0
  for (;;) {
    const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized')
    if (Object.values(counts).every((n) => n === 0)) break
    if (Date.now() > deadline) throw new Error(`jobs still pending: ${JSON.stringify(counts)}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  const counts = await queue.getJobCounts('completed', 'failed')
  t.ok(counts.completed! <= 10, `retention kept ${counts.completed} completed jobs`)
  t.equal(counts.failed, 0)
  const list = await store.listDecks(owner.tenant, 'course-ret', { limit: 500 })
  t.equal(list.total, modules.length, 'a deck per module')
  for (const item of list.items) {
    t.equal(item.revision, runs, `${item.module_id} has a revision per job`)
    for (let revision = 1; revision <= runs; revision++) {
      const deck = await store.getDeck({ tenant: owner.tenant, course_id: 'course-ret', module_id: item.module_id }, { revision })
      if (deck?.total === 1) listed++
    }
  }
  t.equal(listed, modules.length * runs, 'all 1,100 revisions are whole')
})
