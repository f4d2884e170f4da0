import t from 'tap'
import type { Card, CardType } from '@flashcards/queue-core'
import { OfflineProvider } from '../src/providers/offline/index.js'
import { chunkDocuments, comparable, generateModuleCards, normaliseDocument } from '../src/pipeline/index.js'

/**
 * Rules of the offline provider, each on a small lesson we wrote, run through the real pipeline
 * (normalise → chunk → stage A → stage B → validate) as a job runs it.
 */
const log = { entry() {}, info() {}, warn() {}, raw() {} }

async function cardsOf(markdown: string, options: { target?: number; cardTypes?: CardType[] } = {}): Promise<Card[]> {
  const result = await generateModuleCards(
    {
      course_id: 'course-test',
      module_id: 'mod-test',
      settings: { target_card_count: options.target ?? 10, card_types: options.cardTypes ?? ['basic', 'cloze'], language: 'en' },
      documents: [{ name: 'lesson.md', content: { format: 'markdown', text: markdown } }],
    },
    { provider: new OfflineProvider(), signal: new AbortController().signal, progress: async () => {}, log },
  )
  return result.cards
}

const answersOf = (card: Card) => (card.type === 'cloze' ? [...card.front.matchAll(/\{\{c\d+::(.+?)\}\}/g)].map((m) => m[1]!) : [card.back])
const text = (cards: Card[]) => cards.map((card) => `${card.front} => ${card.back}`).join('\n')

t.test('"X is Y" makes a definition only when X is a term, not a reference, a clause or a quiz option', async (t) => {
  const cards = await cardsOf(`# Storage

A **volume** is a named area of storage that a container can mount.

Since there is no volume called scratch, the command fails with an error.

The advantage is that the data outlives the container.

Several commands are available for managing volumes.

The only caveat is the disk space that volumes keep using.

Option 3 is correct because it mounts the volume read-only.

Explain what is meant by a bind mount and why it differs from a volume.

More useful in practice is a named volume shared by two containers.
`)
  const fronts = cards.map((card) => card.front)
  t.ok(fronts.includes('What is a volume?'), `a card defines the emphasised term:\n${text(cards)}`)
  t.equal(cards.find((card) => card.front === 'What is a volume?')?.back, 'A named area of storage that a container can mount')
  for (const bad of [/since there/i, /advantage/i, /several commands/i, /caveat/i, /option 3/i, /explain/i, /more useful/i]) {
    t.notOk(cards.some((card) => card.type === 'basic' && bad.test(card.front)), `no question about ${bad}`)
  }
})

t.test('a defining sentence with an emphasised term gives a cloze on the term', async (t) => {
  const cards = await cardsOf(`# Interfaces

The most common way to use a computer is called a **graphical user interface** (GUI), with windows and a mouse.
`)
  const cloze = cards.find((card) => card.type === 'cloze')
  t.ok(cloze, text(cards))
  t.equal(cloze!.back, 'graphical user interface')
  t.match(cloze!.front, /is called a \{\{c1::graphical user interface\}\} \(GUI\)/)
})

t.test('challenge and solution blocks give no list, definition or code card; the body around them does', async (t) => {
  const cards = await cardsOf(`# Archives

Archives bundle many files into one. The checklist for a good archive has three parts:

- a clear name
- a listed content
- a checksum

::::::::::::::::::::::::::::::::::::::: challenge

## Which flag extracts?

Which of these commands unpacks notes.tar into the current folder?

1. tar -cf notes.tar
2. tar -xf notes.tar
3. tar -tf notes.tar

:::::::::::::::: solution

## Solution

Option 2 is the answer: an extraction is the reverse of creating the archive.

- The first one creates an archive.
- The third one only lists the files.

\`\`\`bash
$ tar -xf notes.tar
\`\`\`

::::::::::::::::::::::::::::::::

::::::::::::::::::::::::::::::::::::::::::::::::::

A **tarball** is an archive made by tar and often compressed with gzip.
`)
  t.ok(cards.some((card) => card.back === 'a clear name; a listed content; a checksum'), `the body's list is a card:\n${text(cards)}`)
  t.ok(cards.some((card) => /tarball/i.test(card.front) || card.back === 'tarball'), 'the body after the challenge is read')
  const fromExercise = /notes\.tar|extraction|first one|third one|option 2/i
  t.notOk(cards.some((card) => fromExercise.test(`${card.front} ${card.back}`)), `nothing from the challenge or its solution:\n${text(cards)}`)
})

t.test('a keypoints callout makes key-point cards; a command that starts a key point is asked about', async (t) => {
  const cards = await cardsOf(`# Counting

Counting is a common first step in looking at data.

:::::::::::::::::::::::::::::::::::::::: keypoints

- \`wc\` counts lines, words, and characters in its inputs.
- \`sort\` sorts its inputs.
- A pipeline connects the output of one command to the input of the next.

::::::::::::::::::::::::::::::::::::::::::::::::::
`)
  const wc = cards.find((card) => card.front === 'What does wc count?')
  t.ok(wc, text(cards))
  t.equal(wc!.back, 'Lines, words, and characters in its inputs')
  t.notOk(cards.some((card) => /What does sort sort/.test(card.front)), 'no card that restates its subject')
  t.ok(
    cards.some((card) => card.type === 'cloze' && card.front === 'A {{c1::pipeline}} connects the output of one command to the input of the next.'),
    'a key point that is no definition becomes a cloze',
  )
})

t.test('a command card only for one short command whose purpose the sentence before names', async (t) => {
  const cards = await cardsOf(`# Folders

Let's create a new folder called drafts using mkdir:

\`\`\`bash
$ mkdir drafts
\`\`\`

Here is what the folder holds now:

\`\`\`bash
$ ls -F drafts
notes.txt  plan.txt
$ ls drafts/notes.txt
\`\`\`

Now we can run the command again:

\`\`\`bash
$ wc -l drafts/notes.txt
\`\`\`

We can print every file in turn with a loop:

\`\`\`bash
$ for name in *.txt
> do
>   cat $name
> done
\`\`\`

The folder listing looks like this:

\`\`\`
notes.txt
plan.txt
\`\`\`
`)
  const commands = cards.filter((card) => card.front.startsWith('Which command'))
  t.same(
    commands.map((card) => [card.front, card.back]),
    [['Which command would you run to create a new folder called drafts?', 'mkdir drafts']],
    `one command card; no loop, session, output dump or purpose without an object:\n${text(cards)}`,
  )
  t.notOk(cards.some((card) => card.back.includes('\n')), 'no multi-line answer')
})

t.test('command cards are capped at a fifth of the target', async (t) => {
  const names = ['alpha', 'beta', 'gamma', 'delta', 'epsilon']
  const sections = names.map((name, i) => `## Step ${i + 1}\n\nLet's create a folder called ${name} using mkdir:\n\n\`\`\`bash\n$ mkdir ${name}\n\`\`\`\n`)
  const cards = await cardsOf(`# Folders\n\n${sections.join('\n')}`, { target: 10 })
  t.same(
    cards.map((card) => card.back),
    ['mkdir alpha', 'mkdir beta'],
    'five command cards are possible, two are kept',
  )
})

t.test('answers are short, grounded in their chunk, and the same input gives the same cards', async (t) => {
  const markdown = `---
title: Payroll
keypoints:
  - Payslips are published on the 25th of every month.
---

# Payroll

The **payroll cut-off** is the 20th of the month: documents received later go into the next run.

A payslip is the monthly statement of what an employee earned and what was deducted; it is kept in the portal for six years, and a copy can be requested from HR at any time by email or in person.

The portal lists three kinds of document:

- payslips
- tax certificates
- expense reports
`
  const first = await cardsOf(markdown)
  const second = await cardsOf(markdown)
  t.same(second, first, 'deterministic')
  t.ok(first.length >= 4, text(first))
  const chunks = new Map(chunkDocuments([normaliseDocument({ name: 'lesson.md', content: { format: 'markdown', text: markdown } })]).map((c) => [c.id, c]))
  for (const card of first) {
    for (const answer of answersOf(card)) t.ok(comparable(chunks.get(card.source.chunk_id)!.text).includes(comparable(answer)), `"${answer}" is in its chunk`)
    t.ok(card.back.length <= 160, `short answer: ${card.back}`)
  }
  t.equal(first.find((card) => card.front === 'What is the payroll cut-off?')?.back, 'The 20th of the month', 'a definition answer stops at its first clause')
  t.ok(first.some((card) => card.front === 'Payslips are published on the {{c1::25th}} of every month.'), 'a key point hides its date')
  t.equal(first.find((card) => card.front === 'What is a payslip?')?.back, 'The monthly statement of what an employee earned and what was deducted')
})
