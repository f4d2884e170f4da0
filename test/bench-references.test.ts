/**
 * The bench's hand-written reference cards (bench/reference-cards, CARDS.md section 5) must hold
 * to the standard they measure against, and must quote sentences that really are in the lessons:
 * a misquoted `source` never matches a chunk, and that reference would silently count as missed.
 * The lessons live outside the repository (../shared/corpus, or BENCH_CORPUS's parent); from a
 * clone without them, only the files' shape and the cards' own rules are checked.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import t from 'tap'
import { isVerbatim, lintCard } from '../packages/workers/src/index.js'
import { corpusCourseDir } from '../bench/lib/context.js'
import { loadCourse, type CourseModule } from '../bench/lib/course.js'
import { ATOMIC_ANSWER_WORDS, normalise, words } from '../bench/lib/quality.js'
import { parseReferences, referenceFiles } from '../bench/lib/references.js'

const corpus = dirname(corpusCourseDir())
const files = referenceFiles()
/** Whitespace folded: lesson sentences wrap over several lines, sources are on one. */
const fold = (text: string) => text.replace(/\s+/g, ' ')

t.test('reference cards exist for three modules of different styles', async (t) => {
  t.same(
    files.map(({ course, module }) => `${course}/${module}`),
    ['shell-novice/04-pipefilter', 'sql-ecology/02-sql-aggregation', 'turing-vcs/06-vcs-git-branches'],
  )
})

for (const { course, module, file } of files) {
  t.test(`${course}/${module}: cards follow CARDS.md and quote the lesson`, async (t) => {
    const references = parseReferences(await readFile(file, 'utf8'), file)
    t.ok(references.length >= 10 && references.length <= 15, `10–15 cards (has ${references.length})`)
    for (const reference of references) {
      t.ok(words(reference.back).length <= ATOMIC_ANSWER_WORDS, `answer of at most ${ATOMIC_ANSWER_WORDS} words: ${reference.back}`)
      t.ok(isVerbatim(reference.back, reference.source), `answer stated in its source sentence: ${reference.back}`)
      t.same(lintCard({ type: 'basic', front: reference.front, back: reference.back }, reference.source), [], `passes C1–C11: ${reference.front}`)
    }
    t.equal(new Set(references.map((reference) => normalise(reference.front))).size, references.length, 'no two cards ask the same question')

    const courseDir = join(corpus, course)
    if (!existsSync(courseDir)) {
      t.comment(`${courseDir} absent: sources not checked against the lesson`)
      return
    }
    const lesson: CourseModule | undefined = (await loadCourse(courseDir)).find((candidate) => candidate.module_id === module)
    if (!lesson) return t.fail(`${file} names no module of ${courseDir}`)
    const text = fold(lesson.documents.map((document) => document.content.text).join('\n'))
    const chunks = [...lesson.chunkText.values()].map(normalise)
    for (const reference of references) {
      t.ok(text.includes(fold(reference.source)), `source quoted verbatim from the lesson: ${reference.source}`)
      // covers() compares the source with the text of the chunk a card cites.
      t.ok(
        chunks.some((chunk) => chunk.includes(normalise(reference.source))),
        `source inside one chunk of the pipeline: ${reference.source}`,
      )
    }
  })
}

t.test('a malformed reference file is refused naming the file and card', async (t) => {
  t.throws(() => parseReferences('{', 'x.json'), /x\.json: not valid JSON/)
  t.throws(() => parseReferences('[]', 'x.json'), /x\.json: expected a non-empty JSON array/)
  t.throws(() => parseReferences('[{"front":"Q?","back":"A"}]', 'x.json'), /x\.json: card 1 needs a non-empty string "source"/)
  t.throws(() => parseReferences('[{"front":"Q?","back":"A","source":"S.","note":"n"}]', 'x.json'), /card 1 has unknown field\(s\) note/)
  t.same(parseReferences('[{"front":"Q?","back":"A","source":"S."}]', 'x.json'), [{ front: 'Q?', back: 'A', source: 'S.' }])
})
