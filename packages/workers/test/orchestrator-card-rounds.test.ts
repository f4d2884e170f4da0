import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { ModuleResult } from '@flashcards/queue-core'
import { isGrounded } from '../src/pipeline/index.js'
import { modelAnswer, type LlmRequest, type Reply } from '@flashcards/test-support/llm'
import { orchestratorHarness } from './orchestrator/harness.js'
import { CASES, lesson, type ProviderCase } from './orchestrator/provider-cases.js'

interface Draft {
  type: string
  front: string
  back: string
  chunk_id: string
}

/** The deterministic model's stage-B drafts (one grounded card per offered chunk), changed by `edit`. */
const drafts = (request: LlmRequest, edit: (draft: Draft, index: number) => Draft | Draft[]): Reply => {
  const cards = (JSON.parse(modelAnswer(request)) as { cards: Draft[] }).cards.flatMap(edit)
  return { kind: 'answer', text: JSON.stringify({ cards }) }
}
const ungrounded = (draft: Draft): Draft => ({ ...draft, front: `${draft.front} (bananas)`, back: 'Something the lesson never says about bananas' })
const isTopUp = (request: LlmRequest) => request.prompt.includes('Do not repeat these facts')
const stageBCalls = (requests: LlmRequest[]) => requests.filter((request) => request.stage === 'stageB')

/** One module job through a real worker and Redis, the provider a loopback server answering `script`. */
async function runJob(t: Test, provider: ProviderCase, script: (request: LlmRequest) => Reply, module_id: string, text: string, target_card_count: number) {
  const fake = await provider.serve(script)
  t.teardown(() => fake.close())
  const h = await orchestratorHarness(t, provider.env(fake.url))
  await h.start()
  const [enqueued] = await h.generate({
    mode: 'single_module',
    target: { course_id: 'course-pay', module_id },
    settings: { target_card_count, card_types: ['basic'] },
    content: { format: 'markdown', text },
  })
  const job = await h.finished(enqueued!.job_id)
  return { job, fake, result: job.returnvalue as ModuleResult, log: async () => JSON.parse(await readFile(join(h.logDir, `${enqueued!.job_id}.json`), 'utf8')) }
}

for (const provider of CASES) {
  t.test(`${provider.name}: drafts citing chunk ids the prompt never offered are repaired, not dropped`, async (t) => {
    const text = lesson('repair', 3)
    const misCited = (request: LlmRequest): Reply =>
      request.stage === 'stageA' ? { kind: 'answer', text: modelAnswer(request) } : drafts(request, (draft, index) => ({ ...draft, chunk_id: `section-${index + 1}` }))
    const { job, fake, result } = await runJob(t, provider, misCited, 'mod-repair', text, 3)
    t.equal(await job.getState(), 'completed', String(job.failedReason))
    t.equal(result.cards.length, 3, 'every draft kept')
    t.equal(result.stats.repaired_chunk_ids, 3)
    t.same(result.cards.map((card) => card.source.heading).sort(), ['Part 1', 'Part 2', 'Part 3'], 'each card cites the section that states its answer')
    t.ok(result.cards.every((card) => card.source.chunk_id.startsWith('inline.md#') && isGrounded(card, text)))
    t.equal(result.shortfall, undefined)
    t.equal(stageBCalls(fake.requests).length, 1, 'no top-up needed')
  })

  t.test(`${provider.name}: a top-up round asks for the missing cards, with the kept fronts and the drop reasons`, async (t) => {
    const script = (request: LlmRequest): Reply => {
      if (request.stage === 'stageA') return { kind: 'answer', text: modelAnswer(request) }
      // First round: one good card, the rest ungrounded. The top-up round answers well.
      return isTopUp(request) ? drafts(request, (draft) => draft) : drafts(request, (draft, index) => (index === 0 ? draft : ungrounded(draft)))
    }
    const { job, fake, result } = await runJob(t, provider, script, 'mod-topup', lesson('topup', 3), 3)
    t.equal(await job.getState(), 'completed', String(job.failedReason))
    t.equal(result.cards.length, 3, 'the count is reached')
    t.equal(result.shortfall, undefined)
    t.equal(result.stats.card_rounds, 2)
    t.same(result.stats.dropped, { ungrounded: 2 }, "the first round's bad drafts stay counted")

    const calls = stageBCalls(fake.requests)
    t.equal(calls.length, 2, 'stage B, then one top-up round')
    const topUp = calls[1]!.prompt
    t.match(topUp, /Write 2 flashcards/, 'asks for the missing number')
    t.match(topUp, `- ${result.cards.find((card) => card.source.heading === 'Part 1')!.front}`, 'the kept front, not to be repeated')
    t.match(topUp, /- C11 the answer is not stated in the cited chunk: ".*bananas\)"/, 'each dropped draft with its check id')
    t.notMatch(topUp, /### chunk_id: inline#1\n/, 'only the concepts no kept card covers are offered again')
    t.match(calls[0]!.prompt, /Course: course-pay\. Module: Payroll basics topup\./, 'course and module titles for domain cues')
  })

  t.test(`${provider.name}: material that cannot support the count gives an honest shortfall after two top-up rounds`, async (t) => {
    const onlyPartOne = (request: LlmRequest): Reply =>
      request.stage === 'stageA' ? { kind: 'answer', text: modelAnswer(request) } : drafts(request, (draft) => (draft.front.includes('"Part 1"') ? draft : ungrounded(draft)))
    const { job, fake, result, log } = await runJob(t, provider, onlyPartOne, 'mod-short', lesson('short', 3), 3)
    t.equal(await job.getState(), 'completed', String(job.failedReason))
    t.equal(result.cards.length, 1, 'never padded')
    t.equal(stageBCalls(fake.requests).length, 3, 'stage B and at most two top-up rounds')
    t.match(result.shortfall, { asked: 3, produced: 1, dropped: { C11: 6 } })
    t.match(result.shortfall!.reason, /supports 1 of 3 card\(s\).*C11 ×6 \(the answer is not stated in the cited chunk\)/)
    t.match(job.progress, { percent: 100, step: 'done', message: /1 card\(s\) for module mod-short; the material supports 1 of 3/ }, 'the progress message says so')
    t.ok((await log()).entries.some((entry: { level: string; message: string }) => entry.level === 'warn' && /Only 1 card\(s\) for a target of 3/.test(entry.message)))
  })

  t.test(`${provider.name}: a job whose drafts all fail validation fails instead of completing with 0 cards`, async (t) => {
    const allBad = (request: LlmRequest): Reply => (request.stage === 'stageA' ? { kind: 'answer', text: modelAnswer(request) } : drafts(request, ungrounded))
    const { job } = await runJob(t, provider, allBad, 'mod-empty', lesson('empty', 2), 2)
    t.equal(await job.getState(), 'failed')
    t.match(job.failedReason, /^Module mod-empty: no card passed validation \(asked 2\); drafts dropped: C11 ×\d+/)
    t.equal(job.attemptsMade, 1, 'not retried: the cached stages would give the same drafts')
  })
}
