import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { Card, describeErrors, type ModuleResult } from '@flashcards/queue-core'
import { FilesystemContentSource } from '../src/content/index.js'
import { chunkDocuments, comparable, normaliseDocument } from '../src/pipeline/index.js'
import type { CourseResult } from '../src/orchestrator/index.js'
import { EXAMPLES_CONTENT, orchestratorHarness } from './orchestrator/harness.js'

const COURSE = 'course-hr-2025'
const TARGET = 5

t.test('offline provider on the sample course: count, schema, grounding, no duplicates', async (t) => {
  const h = await orchestratorHarness(t)
  await h.start()
  const [courseJob] = await h.generate({ mode: 'course', target: { course_id: COURSE }, settings: { target_card_count: TARGET } })
  const course = await h.finished(courseJob!.job_id)
  t.equal(await course.getState(), 'completed', String(course.failedReason))
  const { modules } = course.returnvalue as CourseResult
  t.same(
    modules.map((m) => m.module_id),
    ['mod-hr-101', 'mod-hr-102', 'mod-hr-103', 'mod-hr-104'],
    'one module job per module folder',
  )

  const source = new FilesystemContentSource(EXAMPLES_CONTENT)
  const allIds = new Set<string>()
  for (const { module_id, job_id } of modules) {
    const job = await h.finished(job_id)
    t.equal(await job.getState(), 'completed', `${module_id}: ${job.failedReason}`)
    const result = job.returnvalue as ModuleResult
    t.equal(result.cards.length, TARGET, `${module_id} reaches the target`)
    const chunks = new Map(chunkDocuments((await source.loadModule({ course_id: COURSE, module_id })).map(normaliseDocument)).map((c) => [c.id, c]))
    const fronts = new Set<string>()
    for (const card of result.cards) {
      t.same(describeErrors(Card, card, 'card'), [], `${module_id} card ${card.id} matches the Card schema`)
      const chunk = chunks.get(card.source.chunk_id)
      t.ok(chunk, `${card.source.chunk_id} is a chunk of ${module_id}`)
      const answers = card.type === 'cloze' ? [...card.front.matchAll(/\{\{c\d+::(.+?)\}\}/g)].map((m) => m[1]!) : [card.back]
      for (const answer of answers) t.ok(comparable(chunk!.text).includes(comparable(answer)), `answer "${answer}" is in its chunk`)
      t.notOk(fronts.has(comparable(card.front)), `no duplicate question in ${module_id}`)
      fronts.add(comparable(card.front))
      t.notOk(allIds.has(card.id), 'card ids are unique')
      allIds.add(card.id)
      if (module_id === 'mod-hr-104') t.type(card.source.start_seconds, 'number', 'transcript cards carry their timestamp')
    }
  }

  // The job log of a module: the runbook's layout, a step per stage, raw outputs kept.
  const first = modules[0]!
  const doc = JSON.parse(await readFile(join(h.logDir, `${first.job_id}.json`), 'utf8'))
  t.equal(doc.status, 'completed')
  t.equal(doc.module_id, 'mod-hr-101')
  t.ok(doc.rawOutputs.stageA && doc.rawOutputs.stageB, 'stage A and B outputs kept')
  const steps = doc.entries.map((e: { step: string }) => e.step)
  for (const step of ['job_start', 'load_content', 'normalise', 'chunk', 'stageA', 'stageB', 'validate', 'job_complete']) t.ok(steps.includes(step), `log has ${step}`)
  const job = await h.queues.queue('orchestrator').getJob(first.job_id)
  t.equal((job!.progress as { percent: number }).percent, 100, 'progress ends at 100')

  const stats = await h.queues.readStats('orchestrator')
  t.equal(stats.completed, 5, 'course job and four module jobs counted')
  t.equal(stats.cards, TARGET * 4, 'cards counted')
  t.ok(stats.lastSuccessAt, 'last success recorded')
})

t.test('inline subtitles are extracted and cited with timestamps; unknown modules fail clearly', async (t) => {
  const h = await orchestratorHarness(t)
  await h.start()
  const vtt = [
    'WEBVTT',
    '',
    '00:00:01.000 --> 00:00:05.000',
    'A payslip is the monthly statement of what an employee earned and what was deducted.',
    '',
    '00:00:05.000 --> 00:00:09.000',
    'Gross pay is the amount earned before tax and other deductions.',
  ].join('\n')
  const [inline] = await h.generate({
    mode: 'single_module',
    target: { course_id: 'course-x', module_id: 'mod-pay' },
    settings: { target_card_count: 2, card_types: ['basic'] },
    content: { format: 'vtt', text: vtt },
  })
  const job = await h.finished(inline!.job_id)
  const result = job.returnvalue as ModuleResult
  t.equal(result.cards.length, 2)
  const gross = result.cards.find((card) => /gross pay/i.test(card.front))
  t.ok(gross, 'a card on gross pay')
  t.same([gross!.source.start_seconds, gross!.source.end_seconds], [5, 9], 'the cue that says it')

  const [missing] = await h.generate({ mode: 'single_module', target: { course_id: COURSE, module_id: 'mod-none' } })
  const failed = await h.finished(missing!.job_id)
  t.equal(await failed.getState(), 'failed')
  t.match(failed.failedReason, /Module mod-none of course course-hr-2025 not found/)
  t.equal(failed.attemptsMade, 1, 'not retried')
})
