/*
 * What a tenant submits is its own: a transcript written for tenant A (by the real transcription
 * worker) is read by A's generation only; tenant B, asking for the same course and module, finds
 * nothing, and B's transcript of the same file id is another file that leaves A's untouched. The
 * operator's shared CONTENT_DIR/<course>/<module> is read for both, and the stage cache does not
 * carry one tenant's outputs to the other.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import type { GenerateBatchBody, Owner } from '@flashcards/queue-core'
import { tenantRoot } from '../src/content/tenant-folders.js'
import { fileHandler } from './fixtures/servers.js'
import { loopback, transcriptionHarness } from './fixtures/transcription-harness.js'
import { orchestratorHarness } from './orchestrator/harness.js'

const A: Owner = { tenant: 'tenant-a', principal: 'alice' }
const B: Owner = { tenant: 'tenant-b', principal: 'bob' }
const A_TEXT =
  '# Vault procedures\n\nThe vault code is a six-digit number that only the night manager knows.\n\nA dual control is a rule that two people must be present to open the vault.\n'
const B_TEXT = '# Garden care\n\nMulch is a layer of material that covers the soil to keep moisture in.\n\nCompost is decayed organic matter that feeds the soil.\n'
const SHARED =
  '# Tides\n\nA tide is the regular rise and fall of the sea caused by the pull of the moon.\n\nA spring tide is a tide with the greatest range, at full and new moon.\n'

t.test("tenant B cannot generate from tenant A's transcript nor overwrite it; shared material serves both", async (t) => {
  const files = await loopback(t, fileHandler({ '/a.md': { body: A_TEXT, type: 'text/markdown' }, '/b.md': { body: B_TEXT, type: 'text/markdown' } }))
  const tx = await transcriptionHarness(t)
  await tx.start()
  const orch = await orchestratorHarness(t, { CONTENT_DIR: tx.contentDir, LLM_PROVIDER: 'offline', JOB_ATTEMPTS: '1' })
  await orch.start()
  const transcribe = async (by: Owner, path: string) => {
    const job = await tx.finished((await tx.enqueue('mod-1', [{ file_id: 'notes', url: `${files.url}${path}` }], by)).job_id)
    t.equal(await job.getState(), 'completed', `${by.tenant} transcribes ${path}`)
  }
  const generate = async (by: Owner, module_id: string) => {
    const body: GenerateBatchBody = { mode: 'single_module', target: { course_id: 'course-1', module_id }, settings: { target_card_count: 4 } }
    const [job] = await orch.queues.enqueueGeneration(body, by)
    return orch.finished(job!.job_id)
  }
  const cardText = (job: { returnvalue: { cards: { front: string; back: string }[] } }) => job.returnvalue.cards.map((c) => `${c.front} ${c.back}`).join(' ')

  await transcribe(A, '/a.md')
  const aTranscript = join(tenantRoot(tx.contentDir, A.tenant), 'course-1', 'mod-1', 'notes.transcript.md')
  const aBytes = await readFile(aTranscript, 'utf8')
  const bBefore = await generate(B, 'mod-1')
  t.equal(await bBefore.getState(), 'failed', "B's generation of the same module finds nothing")
  t.equal(bBefore.failedReason, "Module mod-1 of course course-1 not found: no folder course-1/mod-1 in the shared content or this tenant's submissions")
  const aFirst = await generate(A, 'mod-1')
  t.equal(await aFirst.getState(), 'completed', 'A generates from its transcript')
  t.match(cardText(aFirst), /vault/i)

  await transcribe(B, '/b.md')
  t.equal(await readFile(aTranscript, 'utf8'), aBytes, "B's transcript of the same course, module and file id left A's untouched")
  const [aAgain, bAfter] = [await generate(A, 'mod-1'), await generate(B, 'mod-1')]
  t.match(cardText(aAgain), /vault/i, "A's cards still come from A's text")
  t.notMatch(cardText(aAgain), /mulch|compost/i, "and never from B's")
  t.match(cardText(bAfter), /mulch|compost/i, "B's come from B's")
  t.notMatch(cardText(bAfter), /vault/i, "and never from A's")

  await mkdir(join(tx.contentDir, 'course-1', 'mod-shared'), { recursive: true })
  await writeFile(join(tx.contentDir, 'course-1', 'mod-shared', 'lesson.md'), SHARED)
  const sharedA = await generate(A, 'mod-shared')
  const sharedA2 = await generate(A, 'mod-shared')
  const sharedB = await generate(B, 'mod-shared')
  for (const job of [sharedA, sharedB]) t.match(cardText(job), /tide/i, "the operator's shared module serves every tenant")
  const cached = (job: { returnvalue: { stats: { cached_stages: number } } }) => job.returnvalue.stats.cached_stages
  t.ok(cached(sharedA2) > 0, `A's second run is answered from A's stage cache (${cached(sharedA2)} stages)`)
  t.equal(cached(sharedB), 0, "B's run of the same content reuses nothing of A's cache")
  t.comment(
    `tenant content: B_before_A_generates=failed (not found) A_cards=${aFirst.returnvalue.cards.length} A_transcript_unchanged_after_B=true ` +
      `A_cards_after_B=${aAgain.returnvalue.cards.length} (no B terms) B_cards=${bAfter.returnvalue.cards.length} (no A terms) shared_module=both ` +
      `stage_cache_hits A_rerun=${cached(sharedA2)} B=${cached(sharedB)}`,
  )
})
