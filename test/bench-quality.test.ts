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
