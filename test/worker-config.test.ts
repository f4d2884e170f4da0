// The example `--config` module: a host's own content source and a result hook that keeps cards.
import t from 'tap'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FlashcardQueues } from '@flashcards/queue-core'
import { ROOT, startProcess, tailOf } from '@flashcards/test-support'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

const exportFile = join(ROOT, 'examples/cms/export.json')
const catalog = JSON.parse(readFileSync(exportFile, 'utf8')) as {
  courses: Record<string, { modules: { id: string; body: string }[] }>
}

t.test("course mode expands through the CMS source and the hook persists every module's cards", async (t) => {
  const prefix = uniquePrefix('worker-config')
  const cardsDir = mkdtempSync(join(tmpdir(), 'flashcard-cards-'))
  const worker = startProcess('orchestrator --config', process.execPath, ['packages/workers/dist/cli.js', 'orchestrator', '--config', 'examples/worker-config.mjs'], {
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    CMS_EXPORT: exportFile,
    CARDS_DIR: cardsDir,
    LLM_PROVIDER: 'offline',
    LOG_DIR: join(cardsDir, 'logs'),
  })
  const queues = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: prefix })
  t.teardown(async () => {
    await worker.stop()
    await queues.close()
    await deletePrefix(prefix)
    rmSync(cardsDir, { recursive: true, force: true })
  })

  const courseId = 'course-security-basics'
  const [course] = await queues.enqueueGeneration({ mode: 'course', target: { course_id: courseId } }, { tenant: 'acme', principal: 'lms' })
  const modules = catalog.courses[courseId]!.modules
  const files = modules.map((m) => join(cardsDir, courseId, `${m.id}.json`))
  const deadline = Date.now() + 60_000
  while (!files.every((f) => existsSync(f))) {
    if (Date.now() > deadline || !worker.alive()) throw new Error(`cards were not persisted in time\n${tailOf(worker)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  for (const [i, module] of modules.entries()) {
    const saved = JSON.parse(readFileSync(files[i]!, 'utf8')) as { job_id: string; cards: { type: string; back: string }[] }
    t.ok(saved.cards.length > 0, `${module.id}: ${saved.cards.length} cards persisted by the hook`)
    const source = module.body.toLowerCase()
    const grounded = saved.cards.filter((c) => source.includes(c.back.toLowerCase().replace(/…$/, '').slice(0, 40)))
    t.equal(grounded.length, saved.cards.length, `${module.id}: every answer comes from the CMS text`)
  }
  const status = await queues.getJob('orchestrator', course!.job_id, 'acme')
  t.not(status?.state, 'failed', `course job: ${status?.error}`)
})
