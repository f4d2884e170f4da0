import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import type { ModuleResult } from '@flashcards/queue-core'
import { isGrounded } from '../src/pipeline/index.js'
import { modelAnswer, type LlmRequest, type Reply } from '@flashcards/test-support/llm'
import { CASES, lesson } from './orchestrator/provider-cases.js'
import { orchestratorHarness } from './orchestrator/harness.js'

const answer = (request: LlmRequest): Reply => ({ kind: 'answer', text: modelAnswer(request) })

for (const provider of CASES) {
  t.test(`${provider.name}: cards over the real wire format, token usage, then a cached re-run`, async (t) => {
    const fake = await provider.serve(answer)
    t.teardown(() => fake.close())
    const h = await orchestratorHarness(t, provider.env(fake.url))
    await h.start()
    const body = {
      mode: 'single_module' as const,
      target: { course_id: 'course-pay', module_id: 'mod-pay-1' },
      settings: { target_card_count: 2, card_types: ['basic' as const] },
      content: { format: 'markdown' as const, text: lesson('wire') },
    }
    const [first] = await h.generate(body)
    const job = await h.finished(first!.job_id)
    t.equal(await job.getState(), 'completed', String(job.failedReason))
    const result = job.returnvalue as ModuleResult
    t.equal(result.cards.length, 2)
    for (const card of result.cards) t.ok(/amount|statement/.test(card.back), `grounded answer: ${card.back}`)
    t.ok(
      result.cards.every((card) => isGrounded(card, lesson('wire'))),
      'answers come from the lesson',
    )
    t.equal(fake.requests.length, 2, 'the two short sections in one stage-A call, one stage B call')
    t.equal(result.stats.chunks, 2, 'still two chunks: each card cites its own section')
    t.same(result.cards.map((card) => card.source.heading).sort(), ['Part 1', 'Part 2'])
    provider.checkWire(t, fake.requests[0]!)
    t.equal(result.stats.input_tokens, 200, 'token usage of every call summed')
    t.equal(result.stats.output_tokens, 40)

    const stats = await h.queues.readStats('orchestrator')
    t.equal(stats.llmTokens[`${provider.name}|input`], 200, 'tokens in the metrics counters')
    t.equal(stats.llmCalls[`${provider.name}|stageA|ok`], 1)
    const log = JSON.parse(await readFile(join(h.logDir, `${first!.job_id}.json`), 'utf8'))
    const stageB = log.entries.find((entry: { step: string }) => entry.step === 'stageB')
    t.equal(stageB.data.input_tokens, 100, 'token usage in the job log')
    t.notMatch(JSON.stringify(log), /test-(gemini|openai)-key/, 'the key never reaches the job log')

    // (e) The same module again: every stage comes from the cache, the provider is not called.
    const [second] = await h.generate(body)
    t.not(second!.job_id, first!.job_id, 'a new job once the first has finished')
    const again = await h.finished(second!.job_id)
    t.equal(await again.getState(), 'completed', String(again.failedReason))
    t.equal(fake.requests.length, 2, 'zero provider calls on the unchanged module')
    t.same((again.returnvalue as ModuleResult).cards, result.cards, 'same cards')
    t.equal((again.returnvalue as ModuleResult).stats.llm_calls, 0)
    t.equal((await h.queues.readStats('orchestrator')).llmCalls[`${provider.name}|stageA|cached`], 1)
  })

  t.test(`${provider.name}: a 429 with a retry delay pauses the queue without using an attempt`, async (t) => {
    let limitedAt = 0
    const fake = await provider.serve((request, index) => {
      if (index === 0) {
        limitedAt = Date.now()
        return provider.rateLimited(1)
      }
      return answer(request)
    })
    t.teardown(() => fake.close())
    const h = await orchestratorHarness(t, { ...provider.env(fake.url), WORKER_CONCURRENCY: '1' })
    await h.start()
    const [enqueued] = await h.generate({
      mode: 'single_module',
      target: { course_id: 'course-pay', module_id: 'mod-pay-2' },
      settings: { target_card_count: 1, card_types: ['basic'] },
      content: { format: 'markdown', text: lesson('limited', 1) },
    })
    const job = await h.finished(enqueued!.job_id)
    t.equal(await job.getState(), 'completed', String(job.failedReason))
    t.equal(job.attemptsMade, 1, 'one attempt: the rate-limited run did not use one up')
    t.equal(fake.requests.length, 3, 'the stage ran again after the pause')
    t.ok(job.processedOn! - limitedAt >= 950, 'the run after the pause started once the server delay (1 s) had passed')
    const log = JSON.parse(await readFile(join(h.logDir, `${enqueued!.job_id}.json`), 'utf8'))
    t.ok(
      log.entries.some((entry: { step: string }) => entry.step === 'rate_limited'),
      'the pause is in the job log',
    )
  })

  t.test(`${provider.name}: malformed output is repaired once, then fails clearly`, async (t) => {
    const fake = await provider.serve((request, index) => {
      if (request.prompt.includes('hopeless')) return { kind: 'answer', text: '{"cards": [ {"front": ' }
      if (index === 0) return { kind: 'answer', text: 'Sure! Here are the concepts: {oops' }
      return answer(request)
    })
    t.teardown(() => fake.close())
    const h = await orchestratorHarness(t, { ...provider.env(fake.url), WORKER_CONCURRENCY: '1' })
    await h.start()
    const [repairable] = await h.generate({
      mode: 'single_module',
      target: { course_id: 'course-pay', module_id: 'mod-pay-3' },
      settings: { target_card_count: 1, card_types: ['basic'] },
      content: { format: 'markdown', text: lesson('repairable', 1) },
    })
    const repaired = await h.finished(repairable!.job_id)
    t.equal(await repaired.getState(), 'completed', String(repaired.failedReason))
    t.equal(fake.requests.length, 3, 'stage A asked twice (one repair), stage B once')
    t.match(JSON.stringify(fake.requests[1]!.body), /not valid/, 'the repair request names the problem')

    const [hopeless] = await h.generate({
      mode: 'single_module',
      target: { course_id: 'course-pay', module_id: 'mod-pay-4' },
      settings: { target_card_count: 1, card_types: ['basic'] },
      content: { format: 'markdown', text: lesson('hopeless', 1) },
    })
    const failed = await h.finished(hopeless!.job_id)
    t.equal(await failed.getState(), 'failed')
    t.match(failed.failedReason, /not valid for the schema, also after a repair request/)
    t.equal(failed.attemptsMade, 1, 'not retried: the same prompt gives the same garbage')
  })

  t.test(`${provider.name}: 401 and a daily quota fail at once with a clear message`, async (t) => {
    const fake = await provider.serve((request) => (request.prompt.includes('quota') ? provider.dailyQuota : provider.unauthorized))
    t.teardown(() => fake.close())
    const h = await orchestratorHarness(t, { ...provider.env(fake.url), WORKER_CONCURRENCY: '1' })
    await h.start()
    const enqueue = (tag: string, module_id: string) =>
      h.generate({ mode: 'single_module', target: { course_id: 'course-pay', module_id }, content: { format: 'markdown', text: lesson(tag, 1) } })
    const [auth] = await enqueue('auth', 'mod-pay-5')
    const unauthorized = await h.finished(auth!.job_id)
    t.equal(await unauthorized.getState(), 'failed')
    t.match(unauthorized.failedReason, provider.keyVariable, 'names the variable to fix')
    t.match(unauthorized.failedReason, /HTTP 401/)
    t.equal(unauthorized.attemptsMade, 1, 'no retries')
    t.equal(fake.requests.length, 1, 'one request only')

    const [quota] = await enqueue('quota', 'mod-pay-6')
    const exhausted = await h.finished(quota!.job_id)
    t.equal(await exhausted.getState(), 'failed')
    t.match(exhausted.failedReason, /daily quota is exhausted/)
    t.equal(exhausted.attemptsMade, 1, 'no retries')
  })
}
