import t from 'tap'
import { chunkDocuments, normaliseDocument } from '../src/pipeline/index.js'
import { conceptBatches, sourceChunk } from '../src/pipeline/concept-batches.js'

const doc = (name: string, sections: string[]) =>
  normaliseDocument({ name, content: { format: 'markdown', text: sections.map((body, i) => `## Section ${i + 1}\n\n${body}`).join('\n\n') } })

const short = ['Tabs complete file names in the shell.', 'The pwd command prints the working directory.', 'The ls command lists the files of a directory.']

t.test('consecutive short sections of one document share a stage-A call, within the budget', async (t) => {
  const chunks = chunkDocuments([doc('a.md', [...short, 'word '.repeat(600)]), doc('b.md', short)], 700)
  t.equal(chunks.length, 7)
  const batches = conceptBatches(chunks, 700)
  t.same(
    batches.map((batch) => batch.chunks.map((chunk) => chunk.id)),
    [['a.md#1', 'a.md#2', 'a.md#3'], ['a.md#4'], ['b.md#1', 'b.md#2', 'b.md#3']],
    'the long section alone, documents never mixed',
  )
  for (const batch of batches.filter((batch) => batch.chunks.length > 1)) t.ok(batch.view.tokens <= 700, 'a shared call stays within the budget')
  const [merged, single] = batches
  t.equal(single!.view, single!.chunks[0], 'a batch of one is the chunk itself (same stage-A cache key)')
  t.equal(merged!.view.text, merged!.chunks.map((chunk) => chunk.text).join('\n\n'), 'every section, with its heading')
  t.match(merged!.view.text, /Section 1[\s\S]*Section 2[\s\S]*Section 3/)
  t.not(merged!.view.hash, merged!.chunks[0]!.hash)
  t.equal(conceptBatches(chunks, 0).length, chunks.length, 'budget 0: one call per chunk')
})

t.test('a concept is attributed to the section that states it', async (t) => {
  const [batch] = conceptBatches(chunkDocuments([doc('a.md', short)], 700), 700)
  t.equal(sourceChunk(batch!, { term: 'pwd', statement: 'the PWD command prints the working directory', kind: 'fact' }).id, 'a.md#2', 'verbatim, ignoring case and punctuation')
  t.equal(sourceChunk(batch!, { term: 'listing', statement: 'Files of a directory are listed by ls.', kind: 'fact' }).id, 'a.md#3', 'paraphrase: most shared words')
  t.equal(sourceChunk(batch!, { term: 'x', statement: 'Nothing in common here.', kind: 'fact' }).id, 'a.md#1', 'no overlap: the first section')
})
