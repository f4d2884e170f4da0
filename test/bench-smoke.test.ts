/**
 * The bench (bench/, `pnpm bench`) is too long and noisy for CI; this keeps its measuring parts
 * honest: the card-quality checks, the Redis command accounting, the fake OpenAI-compatible
 * server as the real provider sees it over loopback, and the final table.
 */
import t from 'tap'
import { OpenAiCompatibleProvider, chunkDocuments, isVerbatim, lintCard, normaliseDocument, sameFact } from '../packages/workers/src/index.js'
import { startFakeLlm } from '../bench/lib/fake-llm.js'
import { perJob } from '../bench/lib/jobs.js'
import { answersOf, distribution, isGroundedVerbatim, leaksAnswer, measureQuality, type QualityCard } from '../bench/lib/quality.js'
import { parseCommandStats } from '../bench/lib/redis.js'
import { renderTable } from '../bench/lib/table.js'

const SOURCE = 'The shell is a program. The `ls` command lists the files of a directory. Pipes connect commands.'
const card = (type: QualityCard['type'], front: string, back: string): QualityCard => ({ type, front, back, sourceText: SOURCE })

t.test('grounding is verbatim, ignoring case and punctuation; a cloze is judged by its deletions', async (t) => {
  t.ok(isGroundedVerbatim(card('basic', 'What does ls do?', 'Lists the files of a directory.')))
  t.notOk(isGroundedVerbatim(card('basic', 'What does ls do?', 'Shows hidden files')))
  t.same(answersOf(card('cloze', 'The {{c1::ls}} command lists {{c2::the files::what}}.', 'ls')), ['ls', 'the files'])
  t.ok(isGroundedVerbatim(card('cloze', '{{c1::Pipes}} connect commands.', 'Pipes')))
  t.notOk(isGroundedVerbatim(card('cloze', '{{c1::Sockets}} connect commands.', 'Sockets')))
})

t.test('leakage: the answer standing in its own question', async (t) => {
  t.ok(leaksAnswer(card('basic', 'Is the shell a program?', 'a program')))
  t.notOk(leaksAnswer(card('basic', 'What is the shell?', 'a program')))
  // The deletion itself is not a leak; the same words elsewhere in the sentence are.
  t.notOk(leaksAnswer(card('cloze', 'The {{c1::shell}} is a program.', 'shell')))
  t.ok(leaksAnswer(card('cloze', 'The {{c1::shell}} is a shell program.', 'shell')))
})

t.test('measureQuality counts accuracy, duplicates, near-duplicates and answer lengths', async (t) => {
  const report = measureQuality([
    {
      module_id: 'm1',
      target: 4,
      cards: [
        card('basic', 'What is the shell?', 'A program.'),
        card('basic', 'What is the shell?', 'A program.'),
        card('basic', 'What is the shell, really?', 'A program.'),
        card('basic', 'What does ls do?', 'Invents files'),
      ],
    },
    { module_id: 'm2', target: 4, words: 205, cards: [card('basic', 'What connects commands?', 'Pipes')] },
  ])
  t.equal(report.cards, 5)
  t.equal(report.count_accuracy, (1 + 0.25) / 2)
  t.equal(report.count_accuracy_sized, 1, 'a module under 400 words is held to no count')
  t.equal(report.modules_on_target, 0.5)
  t.equal(report.grounding_rate, 4 / 5)
  t.equal(report.duplicate_rate, 1 / 5)
  t.equal(report.near_duplicate_rate, 2 / 5, 'the exact copy and the reworded copy')
  t.same(report.answer_words, { min: 1, p50: 2, p90: 2, max: 2, mean: 9 / 5 })
  t.same(distribution([]), { min: 0, p50: 0, p90: 0, max: 0, mean: 0 })
})

t.test('INFO commandstats parsing and per-job accounting', async (t) => {
  const stats = parseCommandStats(
    '# Commandstats\r\ncmdstat_evalsha:calls=300,usec=9,usec_per_call=0.03\r\ncmdstat_client|setname:calls=2,usec=1\r\ncmdstat_hset:calls=100,usec=1\r\n',
  )
  t.same(stats, { evalsha: 300, 'client|setname': 2, hset: 100 })
  t.same(perJob(stats, 100), { total: 4, byCommand: { evalsha: 3, hset: 1, 'client|setname': 0.02 } })
})

t.test('the fake LLM server answers the real openai-compatible provider and counts what it bills', async (t) => {
  const llm = await startFakeLlm({ latencyMs: 0 })
  t.teardown(() => llm.close())
  const provider = new OpenAiCompatibleProvider({ baseUrl: llm.baseUrl, model: 'fake' })
  const [chunk] = chunkDocuments([normaliseDocument({ name: 'lesson.md', content: { format: 'markdown', text: `# Shell\n\n${SOURCE}` } })])
  const signal = new AbortController().signal
  const concepts = await provider.extractConcepts({ chunk: chunk!, language: 'en' }, { signal })
  t.ok(concepts.value.length >= 2, 'a concept per sentence')
  t.equal(concepts.calls, 1, 'valid on the first answer, no repair')
  const cards = await provider.writeCards(
    { chunks: [chunk!], concepts: concepts.value.map((concept) => ({ ...concept, chunk_id: chunk!.id })), targetCount: 2, cardTypes: ['basic', 'cloze'], language: 'en' },
    { signal },
  )
  t.same(
    cards.value.map((draft) => draft.type),
    ['basic', 'cloze'],
  )
  t.ok(
    cards.value.every((draft) => isGroundedVerbatim({ ...draft, sourceText: chunk!.text })),
    'answers come from the chunk',
  )
  t.match(llm.counts, { calls: 2, stageA: 1, stageB: 1 })
  t.equal(concepts.usage.inputTokens + cards.usage.inputTokens, llm.counts.promptTokens, 'usage reported = usage counted')
})

t.test('the final table shows each ratio beside its target, and failed phases', async (t) => {
  const table = renderTable({
    enqueue: { ratio: 0.9, dedup_hit_ratio: 1.2, bare: { rps: 1000, p50: 1, p99: 2 }, plugin: { rps: 900, p50: 2, p99: 3 }, plugin_dedup_hit: { rps: 1200, p50: 1, p99: 2 } },
    memory: { error: 'boom' },
    e2e_latency: { in_flight: 4, flashcard: { p50_ms: 12, p99_ms: 40 }, bare: { p50_ms: 3, p99_ms: 9 } },
    read_scale: { jobs: 100000, tenants: 100, redis_used_memory_mb: 200, list_by_module: { p50_ms: 4, p99_ms: 61 }, health: { p99_ms: 3 }, metrics: { p99_ms: 5 } },
  })
  t.match(table, /enqueue req\/s \(new job\)\s+\| 900\s+\| 1000 bare Fastify\s+\| 0\.9×\s+\| ≥ 0\.8× met/)
  t.match(table, /enqueue → completed p50 \/ p99 ms \(4 in flight\)\s+\| 12 \/ 40\s+\| 3 \/ 9 bare BullMQ\s+\| 4\.0×/)
  t.match(table, /GET jobs\?module_id= p50 \/ p99 ms\s+\| 4 \/ 61\s+\| 100000 jobs, 100 tenants.*p99 < 50 ms MISSED/)
  t.match(table, /memory\s+\| FAILED: boom/)
})

t.test('the CARDS.md checks flag weak blanks, stem leaks, misdefinitions, yes/no, references and markup; C12 finds same facts', async (t) => {
  const lint = (type: QualityCard['type'], front: string, back: string) => lintCard({ type, front, back }, SOURCE)
  t.same(lint('cloze', 'The shell {{c1::is}} a program.', 'is'), ['C1'])
  t.same(lint('cloze', 'The {{c1::shell}} is a shell program.', 'shell'), ['C2'])
  t.same(lint('basic', 'What is the shell?', 'A program'), ['C7'], 'a generic head is no definition')
  t.same(lint('basic', 'Is the shell a program?', 'Yes'), ['C8', 'C11'])
  t.same(lint('basic', 'This command lists what?', 'The files of a directory'), ['C9'])
  t.same(lintCard({ type: 'basic', front: 'What is the sodium pump?', back: 'A well-studied example' }), ['C7'], 'a pointer to a class is no definition')
  t.same(lintCard({ type: 'basic', front: 'What is exocytosis?', back: 'The reverse process' }), ['C7'], 'a pointer to another answer is no definition')
  t.same(lintCard({ type: 'cloze', front: 'Its {{c1::standard error}} shrinks as the sample grows.', back: 'standard error' }), ['C9'], 'a possessive opener needs its referent')
  t.same(lintCard({ type: 'cloze', front: 'Demand is {{c1::elastic}} when this ratio exceeds 1.', back: 'elastic' }), ['C9'], '"this <noun>" points outside the card')
  t.same(lintCard({ type: 'cloze', front: 'The {{c1::`ls`}} command lists them as described below.', back: '`ls`' }), ['C9'], '"below" at the end of a clause points elsewhere')
  t.same(lintCard({ type: 'cloze', front: 'A pulse above 100 beats per minute is called {{c1::tachycardia}}.', back: 'tachycardia' }), [], '"above 100" compares')
  t.same(lintCard({ type: 'cloze', front: 'In Python, {{c1::`self`}} names the instance a method is called on.', back: '`self`' }), [], 'a plain definition passes')
  t.same(lint('basic', 'Which command lists the files of a [directory](https://x.org)?', '`ls`'), ['C10'])
  t.same(lint('basic', 'Which command lists the files of a directory?', '`ls`'), [])
  t.ok(
    sameFact(
      { type: 'cloze', front: 'The {{c1::ls}} command lists the files of a directory.', back: 'ls' },
      { type: 'basic', front: 'Which command lists the files of a directory?', back: 'ls' },
    ),
  )
  t.ok(
    sameFact({ type: 'cloze', front: 'The {{c1::shell}} has no trash bin.', back: 'shell' }, { type: 'cloze', front: 'The shell has no {{c1::trash bin}}.', back: 'trash bin' }),
    'two blanks of one sentence are one fact',
  )
  t.notOk(
    sameFact(
      { type: 'cloze', front: '{{c1::`head`}} displays the first 10 lines of its input.', back: '`head`' },
      { type: 'cloze', front: '{{c1::`tail`}} displays the last 10 lines of its input.', back: '`tail`' },
    ),
    'a confusable pair, each with its cue, is two facts',
  )
  t.notOk(sameFact({ type: 'basic', front: 'Which command lists files?', back: 'ls' }, { type: 'basic', front: 'What do pipes connect?', back: 'Commands' }))
  t.ok(isVerbatim('..', 'cd .. goes up'), 'symbols compared raw')
  t.notOk(isVerbatim('>>', 'cd .. goes up'))
})

t.test('coverage counts a reference as matched when a card gives its answer from its sentence', async (t) => {
  const report = measureQuality([
    {
      module_id: 'm1',
      target: 1,
      cards: [card('basic', 'Which command lists the files of a directory?', 'ls')],
      references: [
        { front: 'Which command lists a directory?', back: '`ls`', source: 'The `ls` command lists the files' },
        { front: 'What do pipes connect?', back: 'Commands', source: 'Pipes connect commands' },
      ],
    },
  ])
  t.same(report.coverage, { matched: 1, references: 2, rate: 0.5 })
})
