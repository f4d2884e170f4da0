/**
 * The quality phase's reference coverage and its per-course rows in the final table, on tiny
 * inputs (the phase itself needs the corpus and the built packages; see bench/README.md).
 */
import t from 'tap'
import { covers, measureQuality, type QualityCard } from '../bench/lib/quality.js'
import { renderTable } from '../bench/lib/table.js'

const CHUNK = 'The vertical bar, `|`, is called a **pipe**. Everyone on main brings conflicting changes. Use `>` to redirect and `>>` to append.'
const card = (type: QualityCard['type'], front: string, back: string, sourceText = CHUNK): QualityCard => ({ type, front, back, sourceText })

t.test('coverage: answers agree up to an article; one common word inside a longer answer, or a different symbol, is no match', async (t) => {
  const pipe = { front: 'What is the shell name for |?', back: 'A pipe', source: 'The vertical bar, `|`, is called a **pipe**.' }
  t.ok(covers(card('cloze', 'The vertical bar is called a {{c1::pipe}}.', 'pipe'), pipe), 'article ignored')
  t.notOk(covers(card('basic', 'What is | called?', 'pipe', 'A pipe joins commands.'), pipe), "a chunk without the reference's sentence")
  const conflicts = { front: 'What comes of everyone committing to main?', back: 'Conflicting changes', source: 'Everyone on main brings conflicting changes.' }
  t.notOk(covers(card('cloze', 'Everyone on main brings conflicting {{c1::changes}}.', 'changes'), conflicts), 'half the words is not the answer')
  t.ok(covers(card('basic', 'What comes of everyone committing to main?', 'Many conflicting changes'), conflicts), 'the answer inside a slightly longer one')
  const append = { front: 'Which operator appends?', back: '>>', source: 'Use `>` to redirect and `>>` to append.' }
  t.ok(covers(card('basic', 'Which shell operator appends to a file?', '`>>`'), append), 'symbols compared raw, backticks aside')
  t.notOk(covers(card('basic', 'Which shell operator redirects to a file?', '`>`'), append), '> is not >>')
})

t.test('the final table gives each course its CARDS.md rows, coverage beside them', async (t) => {
  const source = 'The shell is a program. The `ls` command lists the files of a directory.'
  const report = measureQuality([
    {
      module_id: 'm1',
      target: 2,
      cards: [card('basic', 'Which command lists the files of a directory?', 'ls', source), card('cloze', 'The shell {{c1::is}} a program.', 'is', source)],
      references: [{ front: 'Which command lists a directory?', back: '`ls`', source: 'The `ls` command lists the files' }],
    },
  ])
  const table = renderTable({ quality: { target_card_count: 2, providers: { offline: report }, per_course: { demo: { offline: report } } } })
  t.match(table, /offline demo: count \(400\+ words; all\) \/ lint \/ grounded\s+\| 100 % \(100 %\) \/ 50 % \/ 100 %\s+\| coverage 1\/1/)
  t.match(table, /same-fact \/ weak blank \/ stem leak \/ long \/ misdef\.\s+\| 0 % \/ 100 % \/ 0 % \/ 0 % \/ 0 %/)
})

t.test('a deliberate reverse card is counted as a reverse pair, not as a same-fact repeat', async (t) => {
  const source = 'The boundary around a cell is called the plasma membrane.'
  const report = measureQuality([
    {
      module_id: 'm',
      target: 2,
      cards: [
        { type: 'basic', front: 'What is the boundary around a cell called?', back: 'plasma membrane', sourceText: source },
        { type: 'basic', front: 'What is the plasma membrane?', back: 'The boundary around a cell', sourceText: source, reverse: true },
      ],
    },
  ])
  t.equal(report.same_fact_rate, 0)
  t.equal(report.reverse_pairs, 1)
  t.equal(report.near_duplicate_rate, 0)
})
