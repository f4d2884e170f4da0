import t, { type Test } from 'tap'
import type { Card, CardType } from '@flashcards/queue-core'
import { OfflineProvider } from '../src/providers/offline/index.js'
import type { SourceDocument } from '../src/content/types.js'
import { extractText } from '../src/extract/index.js'
import { generateModuleCards, lintCard, sameFact, chunkDocuments, normaliseDocument } from '../src/pipeline/index.js'

/**
 * The offline generator on small lessons we wrote, one per authoring style, through the real
 * pipeline. Every card is held to the CARDS.md rules one by one: no verb or stop-word blank, no
 * stem leak, no misdefinition, yes/no, dangling reference or markup, fronts ≤ 150 characters,
 * answers ≤ 8 words, grounded in the cited chunk, no two cards on one fact.
 */
const log = { entry() {}, info() {}, warn() {}, raw() {} }

async function cardsOf(markdown: string | SourceDocument, options: { target?: number; cardTypes?: CardType[] } = {}) {
  const documents: SourceDocument[] = [typeof markdown === 'string' ? { name: 'lesson.md', content: { format: 'markdown', text: markdown } } : markdown]
  const result = await generateModuleCards(
    {
      course_id: 'course-test',
      module_id: 'mod-test',
      settings: { target_card_count: options.target ?? 10, card_types: options.cardTypes ?? ['basic', 'cloze'], language: 'en' },
      documents,
    },
    { provider: new OfflineProvider(), signal: new AbortController().signal, progress: async () => {}, log },
  )
  const chunks = new Map(chunkDocuments(documents.map(normaliseDocument)).map((chunk) => [chunk.id, chunk.text]))
  return { cards: result.cards, chunks }
}

const show = (cards: Card[]) => cards.map((card) => `${card.front} => ${card.back}`).join('\n')

/** Every rule a program can check, card by card. */
function assertRules(t: Test, cards: Card[], chunks: Map<string, string>) {
  cards.forEach((card, index) => {
    t.same(lintCard(card, chunks.get(card.source.chunk_id)), [], `passes C1–C11: ${card.front} => ${card.back}`)
    t.ok(card.front.replace(/\{\{c1::|\}\}/g, '').length <= 150, 'front ≤ 150 characters')
    t.ok(card.back.split(/\s+/).length <= 8, 'answer ≤ 8 words')
    // A card tagged `reverse` asks an earlier card's fact from the other side, on purpose (R10).
    if (!card.tags?.includes('reverse'))
      t.notOk(
        cards.slice(0, index).some((earlier) => sameFact(earlier, card)),
        `no earlier card on the same fact: ${card.front}`,
      )
  })
}

const GLOSSARY = `---
title: Spreadsheets
---

A [cell](../learners/reference.md#cell) is the box where one row and one column meet.
Every cell holds a single value, such as a number, a date or a piece of text.
A [formula](../learners/reference.md#formula) starts with an equals sign and computes a value from other cells.
The label of a box, made of its column letter and row number, is called a **cell address**.
Copying a formula shifts its addresses, which makes them relative references.
An address pinned with dollar signs, so that copying never shifts it, is known as an *absolute reference*.
Spreadsheets recalculate every dependent formula as soon as one of its inputs changes.
`

t.test('glossary links and bold and italic terms become the blanks; definitions ask for the term', async (t) => {
  const { cards, chunks } = await cardsOf(GLOSSARY, { target: 6 })
  t.equal(cards.length, 6, show(cards))
  const answers = cards.map((card) => card.back.toLowerCase())
  for (const term of ['cell', 'formula', 'cell address', 'absolute reference']) t.ok(answers.includes(term), `${term} is asked:\n${show(cards)}`)
  t.ok(
    cards.some((card) => card.type === 'basic' && /called\?$/.test(card.front)),
    'an "is called" sentence is asked as a question',
  )
  assertRules(t, cards, chunks)
})

const CODE_HEAVY = `# Listing files

The \`ls\` command lists the contents of a directory.
The \`-l\` option of \`ls\` prints one file per line with its size and owner.
Hidden files, whose names start with a dot, appear only with the \`-a\` option.

\`\`\`bash
$ ls -la /tmp
\`\`\`

\`\`\`output
drwxrwxrwt  12 root  root  4096 Jan  1 12:00 .
\`\`\`

Wildcards are expanded by the shell before the command runs.
The pattern \`*.csv\` matches every name that ends in .csv in the current directory.
`

t.test('code keeps its backticks and case; command output and file names make no card', async (t) => {
  const { cards, chunks } = await cardsOf(CODE_HEAVY, { target: 4 })
  t.ok(cards.length >= 3, show(cards))
  t.ok(
    cards.some((card) => card.back === '`ls`' || card.back === '`-a`' || card.back === '`-l`'),
    `code is a blank, with backticks:\n${show(cards)}`,
  )
  t.notOk(
    cards.some((card) => /drwx|root/.test(card.front)),
    'no card from command output',
  )
  assertRules(t, cards, chunks)
})

const TEXTBOOK = `# Cells and their membranes

## The plasma membrane

Every living cell is surrounded by a plasma membrane that separates its contents from the environment.
The membrane is built from a double layer of phospholipids, each with a water-loving head and two water-fearing tails.
Proteins embedded in the membrane carry specific molecules across it.
Small uncharged molecules such as oxygen cross the membrane by simple diffusion.
The movement of water across a selectively permeable membrane is called osmosis.
A solution with a higher concentration of solutes than the cell is hypertonic.

## Transport that needs energy

Active transport moves substances against their concentration gradient and consumes ATP.
The sodium-potassium pump moves three sodium ions out of the cell for every two potassium ions it brings in.
Large particles enter the cell by endocytosis, in which the membrane folds around them.
Cells release proteins by exocytosis, the fusion of vesicles with the plasma membrane.
Receptor proteins bind signal molecules and relay their message into the cytoplasm.
Cholesterol keeps the membrane fluid at low temperatures in animal cells.
Glycoproteins on the outer surface let cells recognise each other.
The fluid mosaic model describes the membrane as a sea of lipids with floating proteins.
Channels formed by aquaporins let water molecules pass up to a billion times per second.
Facilitated diffusion uses carrier proteins but needs no energy from the cell.
Gated channels open only when a signal such as a voltage change reaches them.
Some bacteria pump protons out to build a gradient that drives their flagella.
Plant cells also have a rigid cell wall made of cellulose outside the membrane.
`

t.test('a prose textbook section without marked terms reaches the count from its noun phrases and definitions', async (t) => {
  const words = TEXTBOOK.split(/\s+/).length
  t.ok(words >= 250, `the lesson has ${words} words`)
  const { cards, chunks } = await cardsOf(TEXTBOOK, { target: 10 })
  t.equal(cards.length, 10, show(cards))
  t.ok(
    cards.some((card) => card.back === 'osmosis'),
    `the defined term is asked:\n${show(cards)}`,
  )
  t.ok(new Set(cards.map((card) => card.source.heading)).size === 2, 'cards come from both sections')
  assertRules(t, cards, chunks)
})

const CARPENTRIES = `---
title: Tables and keys
keypoints:
- "A primary key identifies each record of a table uniquely."
---

:::::::::::::::::::::::::::::::::::::: questions

- How are tables connected?

::::::::::::::::::::::::::::::::::::::::::::::::

A relational database stores data in tables of rows and columns.
Each row of a table is called a **record**, and each column a **field**.
A unique identifier stored in every record is called a *key*.
A column shared between two tables, used to reconnect their data, is known as a *foreign key*.

::::::::::::::::::::::::::::::::::::::: challenge

## Which column is the key?

Which of these columns could be a key: name, id or year?

:::::::::::::::: solution

The id column is the key, because it never repeats.

:::::::::::::::::::::::::

::::::::::::::::::::::::::::::::::::::::::::::::

::::::::::::::::::::::::::::::::::::::::: callout

## Null values

A missing value in a field is stored as NULL, which is not the same as zero.

::::::::::::::::::::::::::::::::::::::::::::::::

:::::::::::::::::::::::::::::::::::::::: keypoints

- Queries combine tables through their keys.

::::::::::::::::::::::::::::::::::::::::::::::::
`

t.test('Carpentries fenced divs: challenges and solutions make no card, key points cite their own heading', async (t) => {
  const { cards, chunks } = await cardsOf(CARPENTRIES, { target: 8 })
  t.notOk(
    cards.some((card) => /never repeats|name, id or year/.test(card.front)),
    `nothing from the challenge:\n${show(cards)}`,
  )
  t.notOk(cards.some((card) => card.source.heading === 'Solution' || card.source.heading === 'Which column is the key?'))
  t.ok(
    cards.some((card) => card.source.heading === 'Key points'),
    'the key-points box cites "Key points"',
  )
  t.ok(cards.some((card) => card.back === 'foreign key'))
  assertRules(t, cards, chunks)
})

t.test('sentences that lean on their context, tell a story or instruct make no card; a sentence with no good blank makes none', async (t) => {
  // No card at all: the job fails rather than completing empty.
  await t.rejects(
    cardsOf(`# Notes

This makes it much easier to work.
We will now look at the next example in this lesson.
Run the command again and look at what it prints.
It is very important to be careful here.
`),
  )
})

t.test('only basic cards: definitions keep their question, other facts are asked as a fill-in', async (t) => {
  const { cards, chunks } = await cardsOf(GLOSSARY, { target: 4, cardTypes: ['basic'] })
  t.ok(cards.length >= 3 && cards.every((card) => card.type === 'basic'), show(cards))
  assertRules(t, cards, chunks)
})

t.test('the same input gives the same cards', async (t) => {
  const first = await cardsOf(TEXTBOOK)
  const second = await cardsOf(TEXTBOOK)
  t.same(second.cards, first.cards)
})

const LECTURE = `# Chemical bonds

When one atom gives an electron to another, the two become ions and the attraction between them is called an ionic bond.
Fluorine is the most electronegative element.
In metals, free charges move between many atoms, forming what chemists call a sea of electrons.
The sodium-potassium pump is a well-studied example.
The reverse process, in which a vesicle fuses with the membrane, is called exocytosis.
Commits should be 'atomic', meaning that they should do one simple thing.
Water and methane are held together by covalent bonds.
Congratulations, you have finished the chapter!
`

t.test('definitions stated late in a sentence, superlatives and "meaning" make clozes; pointers and cheers make nothing', async (t) => {
  const { cards, chunks } = await cardsOf(LECTURE, { target: 8 })
  const by = (back: string) => cards.find((card) => card.back === back)
  t.match(by('ionic bond'), { type: 'cloze', front: /is called an \{\{c1::ionic bond\}\}\.$/ }, show(cards))
  t.match(by('sea of electrons'), { type: 'cloze' }, 'what chemists call Y: Y is the term')
  t.match(by('Fluorine'), { type: 'cloze', front: '{{c1::Fluorine}} is the most electronegative element.' }, 'a superlative is no "What is fluorine?"')
  t.match(by('atomic'), { type: 'cloze' }, "X should be 'Y', meaning that: Y is the term")
  t.match(by('covalent bonds'), { front: 'Water and methane are held together by {{c1::covalent bonds}}.' }, 'a capitalised first word is not taken for a name')
  t.notOk(
    cards.some((card) => /well-studied|reverse process|Congratulations/.test(card.front + card.back)),
    'no card names without saying, leans on another answer or cheers',
  )
  assertRules(t, cards, chunks)
})

const TERMS_ELSEWHERE = `---
title: Lists
keypoints:
- "Lists are mutable, while strings are immutable."
---

# Lists

Data which can be modified in place is called *mutable*, while data which cannot be modified is called *immutable*.
Strings and numbers are immutable.
The \`levels()\` function lists the *levels* of a factor, and \`nlevels()\` counts them.

\`\`\`
git revert HEAD
\`\`\`

This command creates a new commit that undoes the last one.
Most commands take options that begin with a single \`-\`.
`

t.test('a term marked in one sentence is the blank where a later one mentions it; symbols are grounded raw; "This command" names the code above', async (t) => {
  const { cards, chunks } = await cardsOf(TERMS_ELSEWHERE, { target: 8 })
  const fronts = cards.map((card) => card.front)
  t.ok(fronts.includes('Lists are {{c1::mutable}}, while strings are immutable.'), `the key point hides the term the body defined:\n${show(cards)}`)
  t.ok(fronts.includes('Strings and numbers are {{c1::immutable}}.'), 'a later sentence hides the known term')
  t.ok(
    cards.some((card) => card.back === '`-`'),
    'a one-symbol answer in backticks survives grounding',
  )
  t.ok(
    fronts.some((front) => front.startsWith('The command {{c1::`git revert HEAD`}} creates a new commit')),
    '"This command" under a one-line code block names it',
  )
  assertRules(t, cards, chunks)
})

t.test('when the concepts run out, a definition is also asked from its other side, never twice the same question', async (t) => {
  const { cards, chunks } = await cardsOf(
    `# Cells

The boundary around a cell is called the plasma membrane.
A gene is a stretch of DNA coding for a protein.
`,
    { target: 4 },
  )
  t.same(
    cards.map((card) => [card.front, card.back]).sort(),
    [
      ['A {{c1::gene}} is a stretch of DNA coding for a protein.', 'gene'],
      ['What is a gene?', 'A stretch of DNA coding for a protein'],
      ['What is the boundary around a cell called?', 'plasma membrane'],
      ['What is the plasma membrane?', 'The boundary around a cell'],
    ].sort(),
    show(cards),
  )
  t.same(
    cards
      .filter((card) => card.tags?.includes('reverse'))
      .map((card) => card.front)
      .sort(),
    ['A {{c1::gene}} is a stretch of DNA coding for a protein.', 'What is the plasma membrane?'],
    'the second side of each pair is tagged reverse',
  )
  t.ok(
    cards.every((card) => card.tags?.includes('kind:definition')),
    'each card carries its concept kind',
  )
  assertRules(t, cards, chunks)
})

const PROSE_RULES = `# Branches and filters

\`head\` displays the first 10 lines of its input by default.
\`tail\` displays the last 10 lines of its input by default.
We've already seen pipes; a filter is a program that transforms a stream of input into a stream of output.
For every Git project, by default, you have one branch called 'main' where all commits are recorded.
If we run the command \`wc *.pdb\`, the \`*\` in \`*.pdb\` matches zero or more characters.
The company must answer a subject access request within one month.
You can have as many branches off of branches as you desire (for example, Feature A-1).
You must commit any work in progress before you switch to another branch.
`

t.test(
  'confusable pairs both stay; clauses after a semicolon, quoted names, leading conditions, written-out quantities and demanded actions make cards; asides do not',
  async (t) => {
    const { cards, chunks } = await cardsOf(PROSE_RULES, { target: 8 })
    const backs = cards.map((card) => card.back)
    for (const back of ['`head`', '`tail`', 'filter', "'main'", '`*`', 'one month', 'commit']) t.ok(backs.includes(back), `${back} is asked:\n${show(cards)}`)
    t.notOk(backs.includes('Feature A-1'), 'an example in parentheses is no blank')
    t.ok(cards.find((card) => card.back === 'filter')?.front.startsWith('A {{c1::filter}} is a program'), 'the clause after the semicolon stands alone, capitalised')
    assertRules(t, cards, chunks)
  },
)

t.test('every card cites its file, section and the character range of its passage in the extracted text', async (t) => {
  const { cards } = await cardsOf(TERMS_ELSEWHERE, { target: 6 })
  t.ok(cards.length >= 4, show(cards))
  for (const card of cards) {
    const { file, char_start, char_end, heading } = card.source
    t.equal(file, 'lesson.md')
    t.ok(heading, 'a heading')
    t.ok(char_start !== undefined && char_end !== undefined && char_start < char_end, `a range: ${char_start}–${char_end}`)
    const passage = TERMS_ELSEWHERE.slice(char_start, char_end).toLowerCase()
    t.ok(passage.includes(card.back.replace(/`/g, '').toLowerCase()), `the answer ${card.back} is in the cited passage: ${passage.slice(0, 80)}`)
  }
})

t.test('GUI click paths, verbless fragments, cut-off asides and adverb blanks make no card', async (t) => {
  const { cards } = await cardsOf(
    `# Setting up

In DB Browser for SQLite, click on the "Open Database" button to open the database.
SQL queries can be written in the box located under the "Execute SQL" tab.
One field per type of information.
You can see in the surveys table that most fields contain numbers (BIGINT, or big integer.
Although SQL queries often read like plain English, it is always useful to add comments.
In SQL, comments are started by \`--\` and end at the end of the line.
`,
    { target: 4 },
  )
  t.same(
    cards.map((card) => card.back),
    ['`--`'],
    show(cards),
  )
})

t.test('two definitions joined by ", and" are two cards; "above 100" is a comparison, not a pointer', async (t) => {
  const { cards, chunks } = await cardsOf(
    `# Pulse

A pulse rate above 100 beats per minute is called *tachycardia*, and a rate below 60 is called *bradycardia*.
`,
    { target: 2 },
  )
  t.same(
    cards.map((card) => [card.front, card.back]),
    [
      ['What is a pulse rate above 100 beats per minute called?', 'tachycardia'],
      ['What is a rate below 60 called?', 'bradycardia'],
    ],
    show(cards),
  )
  assertRules(t, cards, chunks)
})

t.test(
  'a one-line command under "To …, run the following command:" is asked by its purpose, and the other way round when concepts run out; a lead-in that leans on another sentence is not',
  async (t) => {
    const { cards, chunks } = await cardsOf(
      `# Containers

To see which containers are running, run the following command:

\`\`\`
$ docker ps
\`\`\`

To find out what they contain, we can use this:

\`\`\`
docker inspect
\`\`\`

You can remove an unused container using:

\`\`\`
docker rm web
\`\`\`
`,
      { target: 4 },
    )
    t.same(
      cards.map((card) => [card.type, card.front, card.back]),
      [
        ['basic', 'How do you see which containers are running?', '`docker ps`'],
        ['basic', 'How do you remove an unused container?', '`docker rm web`'],
        // With concepts to spare, each command is also asked from its other side (R10).
        ['basic', 'What does `docker ps` let you do?', 'See which containers are running'],
        ['basic', 'What does `docker rm web` let you do?', 'Remove an unused container'],
      ],
      show(cards),
    )
    assertRules(t, cards, chunks)
  },
)

t.test(
  '"the syntax is:" and "Or if you wanted to X, it would be:" lead in to a command; a placeholder command of many words is one answer; a purpose on "things" asks nothing',
  async (t) => {
    const { cards, chunks } = await cardsOf(
      `# Packages

If you want to compare two specific things the syntax is:

\`\`\`
npm diff thing_a thing_b
\`\`\`

Or if you wanted to see which dependencies have newer releases, it would be:

\`\`\`
npm outdated
\`\`\`

If you want one dependency at the version your lock file records and not the newest release, you can do so by using the following command:

\`\`\`
npm install name_of_the_dependency@locked_version --no-save
\`\`\`

\`\`\`
npm dedupe
\`\`\`

This command creates a new lock file that dedupes the copies of a shared dependency.
`,
      { target: 6 },
    )
    const asked = Object.fromEntries(cards.filter((card) => card.type === 'basic').map((card) => [card.front, card.back]))
    t.equal(asked['How do you see which dependencies have newer releases?'], '`npm outdated`', show(cards))
    t.equal(
      asked['What do you run if you want one dependency at the version your lock file records and not the newest release?'],
      '`npm install name_of_the_dependency@locked_version --no-save`',
      show(cards),
    )
    // The cloze on `npm dedupe` would leak "dedupes": the sentence is asked for its object instead, which needs "a new lock file" read as a noun phrase.
    t.equal(asked['What does the command `npm dedupe` create?'], 'A new lock file', show(cards))
    t.notOk(
      cards.some((card) => /things/.test(card.front)),
      show(cards),
    )
    assertRules(t, cards, chunks)
  },
)

t.test(
  'a lecture transcript is read as speech: a sentence runs over cues, fillers and stage directions go, a count stated in words is the blank, a lone letter is none',
  async (t) => {
    const vtt = `WEBVTT

00:00:00.000 --> 00:00:03.500
Okay, so, um, welcome back. Today it's the tides,

00:00:03.500 --> 00:00:07.000
which, uh, confuse almost everybody. So a tide is the regular rise

00:00:07.000 --> 00:00:10.500
and fall of the sea, caused mostly by the pull of the Moon. [draws the Earth]

00:00:10.500 --> 00:00:14.000
Now, most coasts get two high tides a day, and the gap between

00:00:14.000 --> 00:00:17.500
them is about twelve hours and twenty-five minutes. A neap tide has

00:00:17.500 --> 00:00:21.000
the smallest range, you know, the smallest difference between high and low water.

00:00:21.000 --> 00:00:24.500
A spring tide has the largest range. A lunar day is twenty-four hours and fifty minutes.

00:00:24.500 --> 00:00:28.000
So point A on the map is a harbour. And the Earth has two tidal bulges, um, one facing the Moon.

00:00:28.000 --> 00:00:32.000
Water in a bay, you know, moves in a cold current called an undertow.
`
    const content = await extractText(new TextEncoder().encode(vtt), { filename: 'tides.vtt' })
    const { cards, chunks } = await cardsOf({ name: 'tides.vtt', content }, { target: 8 })
    const fronts = cards.map((card) => card.front)
    // "So a tide is the regular rise" | "and fall of the sea, …": one sentence over two cues, its opener "So" gone.
    // "twelve hours and twenty-five minutes" is one duration.
    t.ok(
      cards.some((card) => card.back === 'twenty-four hours and fifty minutes'),
      show(cards),
    )
    t.ok(
      cards.some((card) => /regular rise and fall of the sea/i.test(`${card.front} ${card.back}`)),
      show(cards),
    )
    t.ok(
      cards.some((card) => card.back === 'smallest range' || (card.back === 'neap tide' && card.front.includes('smallest range'))),
      show(cards),
    )
    t.ok(
      cards.some((card) => card.back === 'two tidal bulges'),
      show(cards),
    )
    // The commas around a filler go with it, but before an apposition; "a cold current called an undertow" names its term after a long description.
    t.ok(
      cards.some((card) => card.front === 'Water in a bay moves in a cold current called an {{c1::undertow}}.'),
      show(cards),
    )
    t.ok(
      cards.some((card) => card.front.startsWith('The Earth has {{c1::two tidal bulges}}, one facing')),
      show(cards),
    )
    for (const front of fronts) {
      t.notMatch(front, /\b(?:um|uh|you know|today)\b|\[|,[.,]/i, `no filler, stage direction, lesson framing or broken ending: ${front}`)
      t.notMatch(front, /\{\{c1::A\}\}/, `a lone letter is no blank: ${front}`)
    }
    assertRules(t, cards, chunks)
  },
)

t.test('a textbook page: its metadata lines, exercise and worked-example sections and case labels make no card; a number the front repeats is no blank', async (t) => {
  const { cards, chunks } = await cardsOf(
    `# Glaciers

**Earth Surface Processes, Unit 4**
*Reading time: 20 minutes*

A glacier is a mass of ice that moves under its own weight. Mixing layers forces compaction of the snow into firn.
At 1 m per day, a valley glacier moves about 1 km in three years.

- **Ice meets rock**: the ice plucks loose blocks from the valley floor.
- **Firn**: granular snow that has survived at least one summer melt season.
- **Ablation**: the loss of ice by melting, sublimation and calving.

## Worked example: the Aletsch Glacier

A hiker measures a stake that has moved 180 m in one year along the glacier tongue.

## Check your understanding

1. Explain why a crevasse forms where the valley steepens.
2. A glacier retreats 30 m a year for ten years; the snout ends 300 m further up the valley.
`,
    { target: 8 },
  )
  const text = cards.map((card) => `${card.front} ${card.back}`).join('\n')
  t.notMatch(text, /Earth Surface Processes|Reading time|hiker|crevasse|snout|retreats/, show(cards))
  t.notMatch(text, /What is ice meets rock|What does ice meet|What does mixing/i, show(cards))
  t.notMatch(text, /\{\{c1::1 m\}\}/, `"1 m" with "1 km" beside it is no blank: ${show(cards)}`)
  t.ok(
    cards.some((card) => card.back === 'Firn' || card.back === 'Granular snow that has survived at least one summer melt season' || card.back === 'firn'),
    show(cards),
  )
  assertRules(t, cards, chunks)
})

t.test(
  'a law lesson: a case name is one blank and its year no blank; a condition after "unless" is never cut off; one of three things, a count announced and a story in quotes make no card',
  async (t) => {
    const { cards, chunks } = await cardsOf(
      `---
title: Misrepresentation
objectives:
  - "Apply the test for reliance to a problem question."
  - "Use the remedies table to advise a claimant."
---

# Misrepresentation

A misrepresentation is a false statement of fact that induces a party to enter a contract.
Silence is not a misrepresentation: Keates v Cadogan [1851].
A statement of opinion made in the course of negotiations is generally not actionable, unless the person giving it had special knowledge that the other side lacked.
Fraud, negligence and innocence mark the three kinds of misrepresentation.
The courts apply two tests.
On Monday, Ravi asks: "Is the car really rust-free?".
The claimant may rescind the contract, which puts both parties back in their original positions.
`,
      { target: 8 },
    )
    const backs = cards.map((card) => card.back)
    const text = cards.map((card) => `${card.front} ${card.back}`).join('\n')
    t.ok(backs.includes('Keates v Cadogan'), show(cards))
    t.notOk(backs.includes('1851'), show(cards))
    // Cut before "unless", the sentence would say opinions are never actionable.
    t.notOk(
      cards.some((card) => /generally not actionable/.test(card.front) && !/unless/.test(card.front)),
      show(cards),
    )
    t.notMatch(text, /\{\{c1::(?:Fraud|negligence|innocence)\}\}|two tests|Ravi|problem question|remedies table/, show(cards))
    assertRules(t, cards, chunks)
  },
)

t.test(
  'a table: each cell is asked by its row and column (a unit column names the unit, a comparison table asks each property of each thing); yes/no cells, question rows and data samples make nothing',
  async (t) => {
    const { cards, chunks } = await cardsOf(
      `# Soils

Soil forms over thousands of years as rock weathers and organisms add organic matter.

| Soil property | Typical value | Unit |
|---|---|---|
| Particle size of clay | below 0.002 | mm |
| Particle size of sand | 0.05 to 2 | mm |
| Organic matter in topsoil | 1 to 6 | % |

| Feature | Clay soil | Sandy soil |
|---|---|---|
| Drainage | Slow | Fast |
| Nutrient retention | High | Low |
| Warms in spring? | Yes | No |

| sample_id | depth_cm | ph |
|---|---|---|
| 1 | 10 | 6.5 |
| 2 | 20 | 6.8 |
`,
      { target: 12 },
    )
    const asked = Object.fromEntries(cards.filter((card) => card.type === 'basic').map((card) => [card.front, card.back]))
    t.equal(asked['What is the typical value of particle size of clay, in mm?'], 'below 0.002', show(cards))
    t.equal(asked['What is the drainage of the clay soil?'], 'Slow', show(cards))
    t.equal(asked['What is the nutrient retention of the sandy soil?'], 'Low', show(cards))
    const text = cards.map((card) => `${card.front} ${card.back}`).join('\n')
    t.notMatch(text, /warms in spring|sample_id|depth_cm|6\.5|\bYes\b/i, show(cards))
    assertRules(t, cards, chunks)
  },
)

t.test(
  'plain-text notes: a line in capitals or a short title alone is a heading, not a sentence; a leading clause with a pronoun, a linking verb and "maps X to Y" give no card',
  async (t) => {
    const { cards, chunks } = await cardsOf(
      {
        name: 'notes.txt',
        content: {
          format: 'text',
          text: `Week 3 handout

OPPORTUNITY COST

The opportunity cost of a choice is the value of the best alternative given up.
If it is ignored, decisions look cheaper than they are.
A price index maps baskets of goods to single numbers.
Demand becomes more elastic over time.
Sunk costs are costs that cannot be recovered, whatever is decided next.
`,
        },
      },
      { target: 6 },
    )
    const text = cards.map((card) => `${card.front} ${card.back}`).join('\n')
    t.notMatch(text, /Week 3|OPPORTUNITY COST|If it is ignored|What does a price index map|What does demand become/, show(cards))
    t.ok(
      cards.some((card) => /opportunity cost/i.test(card.back)),
      show(cards),
    )
    t.equal(chunks.size > 0 && [...chunks.values()].some((chunk) => chunk.startsWith('OPPORTUNITY COST')), true, 'the capitals line heads its section')
    assertRules(t, cards, chunks)
  },
)

t.test('of two terms marked alike, the one the predicate states is the blank', async (t) => {
  const { cards, chunks } = await cardsOf(
    `# Le passé composé

In the passé composé, *finir* becomes *fini* and *vendre* becomes *vendu*.
The auxiliary *être* is used with *aller*, and the participle then agrees with the subject.
`,
    { target: 2 },
  )
  t.same(
    cards.map((card) => card.back),
    ['fini', 'aller'],
    show(cards),
  )
  assertRules(t, cards, chunks)
})

t.test("a word of the module's title is its subject: no cloze hides it, though a definition of it may be asked", async (t) => {
  const { cards, chunks } = await cardsOf(
    `# Glaciers

A glacier is a mass of ice that moves under its own weight.
Every glacier has an accumulation zone, where snow builds up, and an ablation zone, where ice is lost.
Meltwater under a glacier lets it slide over its bed.
A tidewater glacier ends in the sea and loses ice by calving.

![
A glacier snout in summer
](fig/snout.png){
alt='A photograph of a glacier snout. The meltwater stream is called a proglacial river.'
}
`,
    { target: 6 },
  )
  t.notOk(
    cards.some((card) => card.type === 'cloze' && card.back.toLowerCase() === 'glacier' && !/^A \{\{c1::glacier\}\} is a mass/.test(card.front)),
    show(cards),
  )
  t.ok(
    cards.some((card) => card.back === 'calving' || card.back === 'tidewater glacier'),
    show(cards),
  )
  t.notOk(
    cards.some((card) => /proglacial|photograph/.test(`${card.front} ${card.back}`)),
    `a figure's alt text, even in a Pandoc attribute block over several lines, makes no card: ${show(cards)}`,
  )
  assertRules(t, cards, chunks)
})

t.test('of several numbers, the one the main verb states is the blank', async (t) => {
  const { cards, chunks } = await cardsOf(
    `# Loans

A loan charging 5% a year, compounded monthly, has an effective annual rate of about 5.12%.
`,
    { target: 1 },
  )
  t.same(
    cards.map((card) => card.back),
    ['5.12%'],
    show(cards),
  )
  assertRules(t, cards, chunks)
})

t.test('a reason the sentence opens with holds no blank; "You <verb> …" tells the learner what to do; "The operation …" points back', async (t) => {
  const { cards, chunks } = await cardsOf(
    `# Supply

Because supply curves slope upwards, a higher price calls forth a larger quantity supplied.
You draw each curve with price on the vertical axis.
The operation is repeated for every market in the region.
`,
    { target: 3 },
  )
  const text = cards.map((card) => card.front).join('\n')
  t.notMatch(text, /\{\{c1::supply curves?\}\}|You draw|The operation/, show(cards))
  assertRules(t, cards, chunks)
})

t.test('a multiplier keeps the unit it multiplies', async (t) => {
  const { cards, chunks } = await cardsOf(
    `# Stars

Hydrogen fusion starts when the core of a young star reaches about ten million kelvin.
`,
    { target: 1 },
  )
  t.same(
    cards.map((card) => card.back),
    ['ten million kelvin'],
    show(cards),
  )
  assertRules(t, cards, chunks)
})

t.test('a plain statement without a marked term is asked for its object; verbs and generic nouns are never the blank', async (t) => {
  const { cards, chunks } = await cardsOf(
    `# Tides

The Moon raises two bulges in the oceans of the Earth.
Ocean tides follow the position of the Moon.
Coastal engineers study tide tables before they build harbours.
A tide gauge records water levels at a fixed point.
Sailors should explain their route to the harbour master.
Tide tables help people plan, access and compare safe sailing times.
`,
    { target: 6 },
  )
  const backs = cards.map((card) => card.back)
  const asked = cards.filter((card) => card.type === 'basic').map((card) => [card.front, card.back])
  t.same(
    asked.filter(([front]) => /^What (?:do|does) (?:coastal|a tide|ocean)/.test(front!)),
    [
      ['What do ocean tides follow?', 'The position of the Moon'],
      ['What do coastal engineers study?', 'Tide tables'],
      ['What does a tide gauge record?', 'Water levels'],
    ],
    `a short "of" phrase belongs to the object it completes:\n${show(cards)}`,
  )
  t.notOk(
    asked.some(([front]) => /^What does (?:The|Ocean)/.test(front!)),
    'a common noun keeps no capital in the question',
  )
  for (const verb of ['explain', 'access', 'raises']) t.notOk(backs.includes(verb), `"${verb}" is no blank`)
  assertRules(t, cards, chunks)
})

t.test('lint: "a list" on a front asks for no enumeration, "List the …" does; "mean" may be a blank, "means" may not; "a classic example of" defines nothing', async (t) => {
  t.same(lintCard({ type: 'cloze', front: 'The {{c1::`append`}} method adds one item to the end of a list.', back: '`append`' }), [])
  // Symbol answers fold to nothing: compared raw, the start and end markers of a conflict are two facts (C13), not one.
  const marker = (symbol: string, where: string) => ({
    type: 'cloze' as const,
    front: `{{c1::\`${symbol}\`}}: Indicates the ${where} of the lines that had a merge conflict.`,
    back: `\`${symbol}\``,
  })
  t.notOk(sameFact(marker('<<<<<<<', 'start'), marker('>>>>>>>', 'end')))
  t.ok(sameFact(marker('<<<<<<<', 'start'), marker('<<<<<<<', 'beginning')))
  t.same(lintCard({ type: 'basic', front: 'List the three measures of centre.', back: 'Mean' }), ['C6'])
  t.same(lintCard({ type: 'basic', front: 'What are the four steps of version control?', back: 'Snapshot' }), ['C6'])
  t.same(lintCard({ type: 'cloze', front: 'The {{c1::mean}} is the sum of all values divided by their number.', back: 'mean' }), [])
  t.same(lintCard({ type: 'cloze', front: 'A key {{c1::means}} a unique identifier.', back: 'means' }), ['C1'])
  await t.rejects(
    cardsOf(
      `# Skew

Income is a classic example of right-skewed data.
Production costs are the most important.
`,
      { target: 2 },
    ),
    /no card passed validation \(asked 2\); stage A found 0 concept/,
  )
})

t.test('a clock time is one blank; a learning objective ("Explain …") makes no card; "the third route" is asked about by nothing', async (t) => {
  const { cards, chunks } = await cardsOf(
    `---
title: Leave
objectives:
  - "Explain the purpose of the sickness report."
---

# Sickness

Sick leave must be reported to the line manager before 10:00 on the first day of absence.
The third route is the confidential speak-up line.
`,
    { target: 3 },
  )
  const backs = cards.map((card) => card.back)
  t.ok(backs.includes('10:00'), show(cards))
  t.notOk(
    cards.some((card) => card.front.startsWith('Explain')),
    'no card from the objective',
  )
  t.notOk(
    cards.some((card) => card.front === 'What is the third route?'),
    'no question about an ordinal',
  )
  assertRules(t, cards, chunks)
})

t.test('a numbered list under its lead-in gives one cloze per step with its neighbours shown; an unnumbered list does not', async (t) => {
  const { cards, chunks } = await cardsOf(
    `# Brewing

Brewing a pot of tea proceeds as follows:

1. Boil fresh water in a kettle.
2. Warm the teapot with a splash of hot water.
3. Add one spoon of loose leaves per cup.
4. Steep the leaves for four minutes.
5. Pour the tea through a strainer.

Useful extras:

- Lemon slices
- Honey
- Oat biscuits

The kettle is basically doing this:

1. Heating water to the boil
2. Switching itself off
3. Keeping the water warm
`,
    { target: 6 },
  )
  const steps = cards.filter((card) => card.front.includes(' → '))
  t.ok(steps.length >= 2, `one card per step that has a blank not shown by its neighbours:\n${show(cards)}`)
  for (const card of steps) {
    t.equal(card.type, 'cloze')
    t.ok(card.front.startsWith('Brewing a pot of tea: '), `labelled by its lead-in: ${card.front}`)
  }
  t.ok(
    steps.some((card) => card.front.includes('{{c1::four minutes}}') && card.front.includes('per cup → steep')),
    `a step shows the one before it:\n${show(steps)}`,
  )
  t.notOk(
    cards.some((card) => /Honey|biscuits/.test(card.front)),
    'no card from the unnumbered list of extras',
  )
  t.notOk(
    cards.some((card) => /kettle/i.test(card.front)),
    `"doing this:" leans on its context, its "is" inside "this" no verb to strip:\n${show(cards)}`,
  )
  assertRules(t, cards, chunks)
})

t.test('a term a sentence defines is never cut in two by a later blank, in its section or another', async (t) => {
  const { cards, chunks } = await cardsOf(
    `# Supply

The quantity supplied is the amount of a good that producers will sell at one particular price.

## Elasticity

The price elasticity of supply measures how strongly the quantity supplied responds to a change in price.
Supply is elastic when the quantity supplied changes by a larger percentage than the price.
`,
    { target: 4 },
  )
  t.notOk(
    cards.some((card) => card.back === 'quantity'),
    show(cards),
  )
  t.ok(
    cards.some((card) => card.back === 'quantity supplied'),
    show(cards),
  )
  assertRules(t, cards, chunks)
})

t.test('a placeholder in code leaks nothing; a lead-in without its colon still names the command; "you will see that" and ", called an SHA" are read through', async (t) => {
  t.same(lintCard({ type: 'basic', front: 'How do you change between branches?', back: '`git checkout name_of_the_branch`' }), [])
  t.same(lintCard({ type: 'basic', front: 'How do you see all branches?', back: '`git branch`' }), ['C2'])
  const { cards, chunks } = await cardsOf(
    `# Versions

To change between branches, use the following command:

\`\`\`
git checkout name_of_the_branch
\`\`\`

You can show the work you put aside using

\`\`\`
git stash list
\`\`\`

In the log, you will see that each version is tagged with a unique string of letters, called an SHA.
`,
    { target: 3 },
  )
  t.same(
    cards.map((card) => [card.front, card.back]).sort(),
    [
      ['How do you change between branches?', '`git checkout name_of_the_branch`'],
      ['How do you show the work you put aside?', '`git stash list`'],
      ['Each version is tagged with a unique string of letters, called an {{c1::SHA}}.', 'SHA'],
    ].sort(),
    show(cards),
  )
  assertRules(t, cards, chunks)
})

t.test('an object pronoun ("Git uses it to …") or a story character ("she\'ll") leans on other sentences; "make it easier" does not', async (t) => {
  const { cards } = await cardsOf(
    `# Tracking

A tracking branch follows a branch on a remote server.
Git uses it to tell you how many commits you are ahead or behind.
If Nelle runs the script by hand, she'll have to open a file 1520 times.
An index makes it easier for the database to find rows quickly.
Economists distinguish between supply and demand.
In contrast, \`git pull\` fetches and then merges the new commits.
`,
    { target: 6 },
  )
  const fronts = cards.map((card) => card.front).join('\n')
  t.notMatch(fronts, /Git uses it|she'll/, fronts)
  t.match(fronts, /makes? it easier/, fronts)
  t.notMatch(fronts, /\{\{c1::Economists\}\}/, 'who says it is no blank')
  t.match(fronts, /^\{\{c1::`git pull`\}\} fetches/m, 'the contrast connective is read through')
})

const BAKING = `# Bread

## Gluten

When flour is mixed with water, its proteins bond to form *gluten*, a stretchy network that traps gas.

> **Tip:** Dough that has been kneaded enough stretches thin without tearing.

## In the oven

The crust owes its colour to *caramelisation*, the browning of sugar molecules under strong heat that starts above about 160 °C. The inside of the loaf stays near 100 °C, so the crumb stays pale.

Bakers use this on purpose: a long, cold rise in the refrigerator, called *retarding*, gives a more complex taste.

The alcohol evaporates in the oven.

Commonly used flours include spelt, rye, emmer, and einkorn.

Hyperinflation is extremely rapid inflation, usually defined as prices rising more than fifty percent a month.

In both cases, the government printed money to pay its bills.

Once the dough is shaped, cover the bowl with a damp towel.

Clear and concise labels make it easier to find each flour in the pantry.
`

t.test('an appositive after a marked term defines it; a callout label, a pointing lead-in and a unit before a full stop are read through', async (t) => {
  const { cards, chunks } = await cardsOf(BAKING, { target: 12 })
  const asked = (front: string) => cards.find((card) => card.front === front)?.back
  t.equal(asked('What is gluten?'), 'A stretchy network that traps gas', show(cards))
  // Too long with its relative clause, whole without it.
  t.equal(asked('What is caramelisation?'), 'The browning of sugar molecules under strong heat', show(cards))
  t.equal(asked('What is hyperinflation?'), 'Extremely rapid inflation', 'an article-less noun phrase defines a one-word subject')
  t.ok(
    cards.some((card) => card.front === 'A long, cold rise in the refrigerator, called {{c1::retarding}}, gives a more complex taste.'),
    `the lead-in "Bakers use this on purpose:" is dropped:\n${show(cards)}`,
  )
  t.notOk(
    cards.some((card) => /Tip/.test(card.front) || card.back === 'Tip:'),
    'a callout label is no term',
  )
  // "°C. The inside" ends a sentence: the next one is read on its own, not glued to the definition.
  t.notOk(
    cards.some((card) => card.front.includes('°C. The')),
    'a unit ends the sentence',
  )
  t.notOk(
    cards.some((card) => /^What does the alcohol evaporate/.test(card.front)),
    '"in the oven" names a place: no question',
  )
  t.notOk(
    cards.some((card) => /einkorn|emmer|spelt/.test(card.back)),
    'one item of a list of four is no blank',
  )
  t.notOk(
    cards.some((card) => /In both cases|government/.test(card.front)),
    '"In both cases" leans on the sentence before',
  )
  t.notOk(
    cards.some((card) => /damp towel|dough is shaped/.test(card.front)),
    'an order after "Once …," is an instruction',
  )
  t.notOk(
    cards.some((card) => /\{\{c1::concise labels\}\}/.test(card.front)),
    'a blank never splits "clear and concise"',
  )
  assertRules(t, cards, chunks)
})

t.test('facts with a dangling adverb, a gerund fragment, "another" or "the query above" make no card', async (t) => {
  const { cards } = await cardsOf(`# Diffusion

In *facilitated diffusion*, a channel or carrier protein lets a substance move down its concentration gradient, still without energy from the cell.

Filtering rows according to the results.

Another note for ordering.

The lone column is only included in the query above to illustrate where the default has changed values.

Her next step is to decide what to call the files that the analysis program will create.
`)
  t.ok(
    cards.some((card) => card.front === 'In {{c1::facilitated diffusion}}, a channel or carrier protein lets a substance move down its concentration gradient.'),
    show(cards),
  )
  t.notOk(
    cards.some((card) => /still\.$|Filtering|Another|query above|Her next/.test(card.front)),
    show(cards),
  )
})

t.test('"is said to be" names a term; a verb read as a noun before an article is a verb; relational nouns and comparatives are no blank', async (t) => {
  const { cards, chunks } = await cardsOf(`# Promises and money

Once a promise is fulfilled or rejected it is said to be *settled*, and its state never changes again.

Most central banks, like the European Central Bank or the Federal Reserve, target an inflation rate of about two percent.

A loaf is done when it sounds hollow when you tap the bottom.

Bread flour has more protein than cake flour, which is why it gives a chewier loaf.
`)
  t.ok(
    cards.some((card) => card.front.includes('said to be {{c1::settled}}')),
    show(cards),
  )
  t.ok(
    cards.some((card) => card.back === 'two percent'),
    `the sentence has a verb ("target"), so it makes a card:\n${show(cards)}`,
  )
  t.notOk(
    cards.some((card) => card.back === 'bottom' || card.back === 'chewier loaf'),
    show(cards),
  )
  assertRules(t, cards, chunks)
})

t.test(
  'a command under "create X and switch to it" or "If you decide to X you can … with:" is asked by its purpose; "This gives …" under a command names it; "X should be used to Y" asks the purpose',
  async (t) => {
    const { cards, chunks } = await cardsOf(`# Containers

You can create a container and start it using:

\`\`\`
docker run -d nginx
\`\`\`

If you decide to get rid of an old image you can remove it with:

\`\`\`
docker rmi old_image
\`\`\`

You can list every running container using:

\`\`\`
docker ps
\`\`\`

This prints a table with an identifier next to each running container.

Volumes should be used to keep database files outside the container.
`)
    const asked = (front: string) => cards.find((card) => card.front === front)?.back
    t.equal(asked('How do you create a container and start it?'), '`docker run -d nginx`', show(cards))
    t.equal(asked('How do you get rid of an old image?'), '`docker rmi old_image`', show(cards))
    t.ok(
      cards.some((card) => /^(?:`docker ps`|\{\{c1::`docker ps`\}\}) prints a table with an/.test(card.front)),
      `"This prints" names the command above:\n${show(cards)}`,
    )
    t.equal(asked('What should volumes be used to do?'), 'Keep database files outside the container', show(cards))
    assertRules(t, cards, chunks)
  },
)

t.test(
  '"According to X," opens a definition; ", while a …" splits a contrast into two statements; a clause before "is called" is no question; a plural noun before a name ends its phrase',
  async (t) => {
    const { cards, chunks } = await cardsOf(`# Acids

According to the Brønsted–Lowry definition, an **acid** is a substance that donates a proton.

A **strong acid** ionises completely in water, while a **weak acid** ionises only partly.

Pure water at 25 °C has a pH of 7 and is called *neutral*.

For almost five centuries Rome was governed by elected magistrates.
`)
    t.equal(cards.find((card) => card.front === 'What is an acid?')?.back, 'A substance that donates a proton', show(cards))
    t.ok(
      cards.some((card) => card.front === 'A {{c1::strong acid}} ionises completely in water.'),
      show(cards),
    )
    t.notOk(
      cards.some((card) => /has a pH of 7 and called\?/.test(card.front)),
      'no question built on a clause',
    )
    t.ok(
      cards.some((card) => card.front === 'Pure water at 25 °C has a pH of 7 and is called {{c1::neutral}}.'),
      show(cards),
    )
    t.notOk(
      cards.some((card) => card.back === 'centuries Rome'),
      'no blank across a time phrase and a name',
    )
    assertRules(t, cards, chunks)
  },
)

t.test('"a year earlier" is a time, not a pointer to an earlier lesson', async (t) => {
  const { cards } = await cardsOf(`# Prices

The inflation rate is the percentage change in the index, usually compared with the same month a year earlier.

As we saw earlier, prices rose quickly in the winter.
`)
  t.equal(cards.find((card) => card.front === 'What is the inflation rate?')?.back, 'The percentage change in the index', show(cards))
  t.notOk(
    cards.some((card) => /saw earlier/.test(card.front)),
    show(cards),
  )
  // The number stays the blank of a later sentence that mentions the defined term.
  const later = await cardsOf(`# Prices\n\nThe inflation rate is the percentage change in the index.\n\nMost central banks target an inflation rate of about two percent.\n`)
  t.ok(
    later.cards.some((card) => card.back === 'two percent'),
    show(later.cards),
  )
})

t.test('a long sentence naming two ways ("by creating … and including …") is cut before the second', async (t) => {
  const { cards } = await cardsOf(`# Ignoring files

You can instruct Git to ignore certain files by creating a file called \`.gitignore\` and including names of the files that you do not need to store in your repository.

When you collaborate with others, and everyone works on the same branch simultaneously, there could be a lot of confusion and conflicting changes.
`)
  t.ok(
    cards.some((card) => card.front === 'You can instruct Git to ignore certain files by creating a file called {{c1::`.gitignore`}}.'),
    show(cards),
  )
  t.notOk(
    cards.some((card) => /lot of \{\{c1::confusion\}\}\.$/.test(card.front)),
    `"and conflicting changes" is no second way:\n${show(cards)}`,
  )
})

t.test(
  'a marked term ends an "is called" name and a "… is the *term*" definition; an answer that points elsewhere is no definition; a list before "called" gets no comma',
  async (t) => {
    const { cards, chunks } = await cardsOf(`# Light and lenses

The ratio of the speed of light in a vacuum to its speed in a material is called the *refractive index* of that material.
The distance from the centre of a thin lens to the point where parallel rays meet is the *focal length*.
Immanuel Kant is the central figure of this tradition.
Fourths, fifths and octaves are called *perfect intervals*, because they keep their quality when inverted.
`)
    const asked = new Map(cards.map((card) => [card.front, card.back]))
    t.equal(asked.get('What is the ratio of the speed of light in a vacuum to its speed in a material called?'), 'refractive index', show(cards))
    t.equal(asked.get('What is the distance from the centre of a thin lens to the point where parallel rays meet called?'), 'focal length', show(cards))
    t.equal(asked.get('What are fourths, fifths and octaves called?'), 'perfect intervals', show(cards))
    t.notOk(
      cards.some((card) => /Kant|this tradition/.test(`${card.front} ${card.back}`)),
      `"the central figure of this tradition" leans on another sentence:\n${show(cards)}`,
    )
    assertRules(t, cards, chunks)
  },
)

t.test('examples, the category they give away, empty heads and pointers make no blank; code is never a weak blank', async (t) => {
  const { cards, chunks } = await cardsOf(`# Summaries

Common aggregations include \`mean\`, \`median\`, \`sum\`, \`count\` and \`max\`.
Many other functions like \`COALESCE\` and \`NULLIF\` work on single values.
The standard example is a surgeon who could save five patients by harvesting the organs of one visitor.
A projector relies on this.
Snell's law relates the two angles.
Hidden files, whose names start with a dot, appear only with the \`-a\` option.
An index makes it easier for the database to find rows quickly.
SQL is not the only tool for managing large amounts of data.
`)
  const fronts = cards.map((card) => card.front).join('\n')
  t.notMatch(fronts, /\{\{c1::`(?:mean|median|sum|count|max|COALESCE|NULLIF)`\}\}/, `no example is the blank:\n${fronts}`)
  t.notMatch(fronts, /\{\{c1::functions\}\}|standard example|projector|two angles|not the only/, fronts)
  t.match(fronts, /appear only with the \{\{c1::`-a`\}\} option/, 'an option is a blank, however short')
  t.match(fronts, /^An \{\{c1::index\}\} makes it easier/m, 'the thing the sentence is about is hidden, not a noun in passing')
  assertRules(t, cards, chunks)
})

t.test(
  'a spoken lecture: the classic example is asked by its category, the main force hides what it is, a story clause is cut off, decades and metric units are numbers',
  async (t) => {
    const { cards, chunks } = await cardsOf(`# Plate tectonics

The Mid-Atlantic Ridge is the classic example of a divergent boundary.
The main force is thought to be slab pull, the weight of the sinking plate.
Alfred Wegener proposed continental drift in 1912, but nobody believed him, because he couldn't explain what moved the continents.
The evidence came in the 1960s from the sea floor.
Typical plates move between two and ten centimetres per year.
Underneath it is the asthenosphere, so the plates can slide over it.
The San Andreas Fault is a transform boundary, and it's why California has so many earthquakes.
`)
    const asked = new Map(cards.map((card) => [card.front, card.back]))
    t.equal(asked.get('What is the classic example of a divergent boundary?'), 'Mid-Atlantic Ridge', show(cards))
    t.equal(asked.get('The main force is thought to be {{c1::slab pull}}, the weight of the sinking plate.'), 'slab pull', show(cards))
    t.equal(asked.get('Alfred Wegener proposed continental drift in {{c1::1912}}.'), '1912', show(cards))
    t.equal(asked.get('The evidence came in the {{c1::1960s}} from the sea floor.'), '1960s', show(cards))
    t.ok(
      cards.some((card) => card.back === 'ten centimetres'),
      show(cards),
    )
    t.notOk(
      cards.some((card) => /Underneath it|it's why/.test(card.front)),
      `"it" after a preposition and "it's why" point elsewhere:\n${show(cards)}`,
    )
    assertRules(t, cards, chunks)
  },
)

t.test('a glossary entry asks for its term; a term defined in the singular is the blank in the plural; fixed phrases, labels and pointers make no blank', async (t) => {
  const { cards, chunks } = await cardsOf(`# Boxes

**Padding**: Transparent space between the content and the border.

- **Border**: A line drawn around the padding.

A *block box* starts on a new line and stretches to fill its container.
Paragraphs and headings are block boxes unless a style says otherwise.
By default, the \`width\` property sets the width of the content area only.
Many developers put this rule at the top of every stylesheet.
Check that the folder now contains a file called \`style.css\`.
Carry-over is the transfer of unused annual leave into the next year.
`)
  const asked = new Map(cards.map((card) => [card.front, card.back]))
  t.equal(asked.get('What is padding?'), 'Transparent space between the content and the border', show(cards))
  t.equal(asked.get('What is border?'), 'A line drawn around the padding', show(cards))
  t.ok(
    cards.some((card) => card.front === 'Paragraphs and headings are {{c1::block boxes}} unless a style says otherwise.'),
    show(cards),
  )
  const fronts = cards.map((card) => card.front).join('\n')
  t.notMatch(fronts, /\{\{c1::default\}\}|\{\{c1::property\}\}|this rule|style\.css/, `no blank in a fixed phrase or a label, no pointer, no instruction:\n${fronts}`)
  t.match(fronts, /Carry-over/, 'a hyphenated subject is no order')
  assertRules(t, cards, chunks)
})

t.test('a known term before a list of its members is no blank; a number before a unit per unit keeps the unit whole', async (t) => {
  const { cards } = await cardsOf(`# Summaries

An *aggregation* reduces each group of rows to a single value.
Common aggregations include \`mean\`, \`median\`, \`sum\`, \`count\` and \`max\`.
Light travels at about 300,000 km/s in a vacuum and more slowly in glass.
`)
  const fronts = cards.map((card) => card.front).join('\n')
  t.notMatch(fronts, /\{\{c1::aggregations\}\} include/, fronts)
  t.notMatch(fronts, /\{\{c1::300,000 km\}\}/, `"km/s" is one unit:\n${fronts}`)
})

t.test('formulas: display math is no prose, inline math is never a blank, a lead-in before a formula makes no card', async (t) => {
  const { cards, chunks } = await cardsOf(`# Variance

The **variance** measures how far the values lie from their mean on average. For a population of $N$ values with mean $\\mu$, it is

$$
\\sigma^2 = \\frac{1}{N} \\sum_{i=1}^{N} (x_i - \\mu)^2
$$

Each deviation $x_i - \\mu$ is squared, so that negative and positive deviations do not cancel out.
A histogram shows skew and outliers that a single number hides.
A loan of $5 and $10 in fees is no formula.
`)
  const fronts = cards.map((card) => `${card.front} => ${card.back}`).join('\n')
  t.notMatch(fronts, /sigma|frac|it is\.|\{\{c1::[^}]*\$|\{\{c1::(?:mu|N)\}\}/, `no formula text and no blank inside one:\n${fronts}`)
  t.notMatch(fronts, /\{\{c1::number hides\}\}/, 'a verb ending a relative clause is no part of a blank')
  t.match(fronts, /\{\{c1::variance\}\}/, fronts)
  assertRules(t, cards, chunks)
})

t.test(
  'a leading pronoun stands for the subject before it; "This is called X" asks for X from the description; labels, vague counts and announcements make no blank',
  async (t) => {
    const { cards, chunks } = await cardsOf(`# Transport

Git is a distributed version control system.
It was created in 2005 by the developers of the Linux kernel.
Larger or charged particles cross the membrane with the help of carrier proteins.
This is called **facilitated diffusion**.
Active transport moves substances against their concentration gradient.
It requires energy, usually in the form of ATP.
It is easy to confuse the two processes.
Git is not magic and it is good to know about its limitations.

**Common mistake:** osmosis is not the movement of solutes.

Economists distinguish two broad causes.
Choosing the wrong one is one of the most common mistakes of English speakers.
Several conditions came together in eighteenth-century Britain.
Some adjectives mean different things with each verb.
The main tool is the policy interest rate.
The European Central Bank and the US Federal Reserve both target an inflation rate of 2 % a year.
`)
    const asked = new Map(cards.map((card) => [card.front, card.back]))
    t.equal(asked.get('Git was created in {{c1::2005}} by the developers of the Linux kernel.'), '2005', show(cards))
    t.equal(asked.get('What is it called when larger or charged particles cross the membrane with the help of carrier proteins?'), 'facilitated diffusion', show(cards))
    t.equal(asked.get('Active transport requires energy, usually in the form of {{c1::ATP}}.'), 'ATP', `the subject a pronoun stood for is not the blank:\n${show(cards)}`)
    t.ok(
      cards.some((card) => card.back === '2 %'),
      `"US" is a name, not the reader's "us":\n${show(cards)}`,
    )
    const fronts = cards.map((card) => `${card.front} => ${card.back}`).join('\n')
    t.notMatch(fronts, /Common mistake|two broad causes|Several \{\{|main tool|easy to confuse|wrong one|Some adjectives|not magic/i, fronts)
    assertRules(t, cards, chunks)
  },
)

t.test('a textbook section: a series is never cut in the middle, a question is asked once, a pronoun after an adverb is resolved, "The name is …" points back', async (t) => {
  const { cards, chunks } = await cardsOf(`# Memory

Memory is an information processing system; therefore, we often compare it to a computer.
**Memory** is the set of processes used to encode, store, and retrieve information over different periods of time.
**Automatic processing** is the encoding of details like time, space, frequency, and the meaning of words, and it happens without any conscious effort.
The Atkinson-Shiffrin model (1968) proposes that memory passes through three stages: sensory memory, short-term memory, and long-term memory.
A loop variable is a name that takes each value of the collection in turn; the name is arbitrary, so \`for banana in word:\` works just as well.
The shell can be used for simple tasks like creating an empty folder.
`)
  const fronts = cards.map((card) => `${card.front} => ${card.back}`).join('\n')
  t.equal(cards.filter((card) => card.front === 'What is memory?').length, 1, fronts)
  t.notMatch(fronts, /used to encode =>|it happens\.|short-term memory\.|The name is|tasks like\}\}/, fronts)
  t.match(fronts, /\{\{c1::Automatic processing\}\} is the encoding of details like time, space, frequency, and the meaning of words\./, fronts)
  assertRules(t, cards, chunks)
})

t.test(
  'a spoken lecture: "X call this balance Y" asks for Y from the sentence before; an appositive names its term; an example ends at its verb; "in this stable phase" points back',
  async (t) => {
    const { cards, chunks } = await cardsOf(`# Stars

Now, the energy pushing outward balances gravity pulling inward. Astronomers call this balance hydrostatic equilibrium.
The Sun has been in this stable phase for about 4.6 billion years.
Every injury must be recorded in the accident book within 24 hours.
A star like the Sun ends its life as a white dwarf, a hot, dense core about the size of the Earth.
Between roughly 1760 and 1840, Britain changed from an economy of farms into one of factories. Historians call this period the Industrial Revolution.
`)
    const asked = new Map(cards.map((card) => [card.front, card.back]))
    t.equal(asked.get('What is it called when the energy pushing outward balances gravity pulling inward?'), 'hydrostatic equilibrium', show(cards))
    t.equal(asked.get('A star like the Sun ends its life as a {{c1::white dwarf}}, a hot, dense core about the size of the Earth.'), 'white dwarf', show(cards))
    t.equal(
      asked.get('Every injury must be recorded in the accident book within {{c1::24 hours}}.'),
      '24 hours',
      `a unit before the full stop stays with its number:\n${show(cards)}`,
    )
    const fronts = cards.map((card) => card.front).join('\n')
    t.notMatch(fronts, /this stable phase|when between/, fronts)
    assertRules(t, cards, chunks)
  },
)

t.test(
  'a command whose purpose shows its own words is asked for the part it does not give away; a command named in passing ("To X, use `y`", "`y` lets you X", "using `y` to X", "with the `-z` flag") is asked by its purpose',
  async (t) => {
    const { cards, chunks } = await cardsOf(`# Containers

To get started with your images, run the following command to create a new image registry:

\`\`\`
registry init
\`\`\`

Run the following command to push all tags of the current image:

\`\`\`
docker push --all-tags
\`\`\`

If you decide to get rid of a volume you can delete it with:

\`\`\`
docker volume rm -f name_of_the_volume
\`\`\`

To print only the container identifiers, use \`docker ps\` with the \`-q\` (q for quiet) flag.
To start a container at every boot, use \`docker update\` with the \`--restart\` option.
To see the disk space every image takes, use \`docker system df\`.
If a compose file has changed on disk, \`docker compose up -d\` lets you apply the new definition without stopping the other services.
If several containers write the same log, \`docker logs --timestamps\` will let you tell their lines apart.
When a build fails, start by using \`docker history\` to find the layer that broke the image.
`)
    const asked = new Map(cards.filter((card) => card.type === 'basic').map((card) => [card.front, card.back]))
    t.equal(asked.get('Which `registry` subcommand lets you create a new image registry?'), '`init`', show(cards))
    t.equal(asked.get('Which `docker push` option lets you push all tags of the current image?'), '`--all-tags`', show(cards))
    t.equal(asked.get('Which `docker volume` subcommand lets you get rid of a volume?'), '`rm -f`', `the placeholder after the option is left out:\n${show(cards)}`)
    t.equal(asked.get('Which `docker ps` option lets you print only the container identifiers?'), '`-q`', show(cards))
    t.equal(asked.get('Which `docker update` option lets you start a container at every boot?'), '`--restart`', show(cards))
    t.equal(asked.get('How do you see the disk space every image takes?'), '`docker system df`', show(cards))
    t.equal(
      asked.get('Which `docker compose` subcommand lets you apply the new definition without stopping the other services, if a compose file has changed on disk?'),
      '`up -d`',
      `"the new definition" keeps the condition that says which:\n${show(cards)}`,
    )
    t.equal(asked.get('How do you tell their lines apart?'), undefined, `a purpose that points back asks nothing:\n${show(cards)}`)
    t.equal(asked.get('How do you find the layer that broke the image?'), '`docker history`', show(cards))
    assertRules(t, cards, chunks)
  },
)

t.test(
  '"This is a X: <clause>" names a case asked as "What is it called when …?"; an answer or an example is no such case; "The trolley problem is …" names a thing',
  async (t) => {
    const { cards, chunks } = await cardsOf(`# Tides

Twice a month the Sun and the Moon line up and their pulls add together. This is a spring tide: the high tides are higher and the low tides lower than usual.
Most people say they would pull the lever. This is a utilitarian answer: the right act is the one that produces the best outcome.
The trolley problem is a thought experiment in ethics, first described by Philippa Foot in 1967.
The number one rule is: never leave the kiln unattended.
`)
    const asked = new Map(cards.map((card) => [card.front, card.back]))
    t.equal(asked.get('What is it called when the high tides are higher and the low tides lower than usual?'), 'A spring tide', show(cards))
    const fronts = cards.map((card) => `${card.front} => ${card.back}`).join('\n')
    t.notMatch(fronts, /utilitarian answer|number one rule/, fronts)
    t.match(fronts, /The trolley problem is a thought experiment in ethics, first described by Philippa Foot in \{\{c1::1967\}\}\./, fronts)
    assertRules(t, cards, chunks)
  },
)

t.test('a symbol answer in backticks is compared without them (C11)', async (t) => {
  t.same(lintCard({ type: 'basic', front: 'Which `git add` argument lets you add all files in the current folder?', back: '`.`' }, 'git add .'), [])
  t.same(lintCard({ type: 'basic', front: 'Which `git add` argument lets you add all files in the current folder?', back: '`..`' }, 'git add .'), ['C11'])
})

t.test(
  'an object completed by a long "of" phrase is asked with the phrase kept in the question; a leading reason with a noun subject states a fact; a plural after a singular compound is its verb',
  async (t) => {
    const { cards, chunks } = await cardsOf(`# Backups

As a backup server keeps every copy of every document that is sent to it, old folders can fill its disks quickly.
The enzyme lowers the activation energy of the reaction.
A price index maps baskets of goods to single numbers.
`)
    const asked = new Map(cards.map((card) => [card.front, card.back]))
    t.equal(asked.get('What does a backup server keep of every document that is sent to it?'), 'Every copy', show(cards))
    t.equal(asked.get('What does the enzyme lower?'), 'The activation energy of the reaction', show(cards))
    t.notOk(
      cards.some((card) => /^What does a price index map/.test(card.front) || /^Baskets/.test(card.back)),
      `"of goods to single numbers" is no "of" phrase to keep:\n${show(cards)}`,
    )
    assertRules(t, cards, chunks)
  },
)

t.test(
  'a description with pointers of its own is no question ("Three settings control this, and together they are called …"); a fraction is one number; "As a rule of thumb," is a connective; a plain noun of an opening condition is no blank; a section name in code is no link (C10)',
  async (t) => {
    const { cards, chunks } = await cardsOf(
      `# Exposure

Three settings control this, and together they are often called the exposure triangle.
As a rule of thumb, you should not hand-hold a camera at speeds slower than 1/60 of a second.
If the graph is pressed against its right edge, the highlights are clipped.
Turning the heap every few weeks lets air back in.

Crates are listed under \`[dependencies]\` in the manifest.
`,
      { target: 10 },
    )
    const fronts = cards.map((card) => `${card.front} => ${card.back}`).join('\n')
    t.notMatch(fronts, /exposure triangle|\{\{c1::graph\}\}|\{\{c1::weeks\}\}|rule of thumb/, fronts)
    t.match(fronts, /^You should not hand-hold a camera at speeds slower than \{\{c1::1\/60\}\} of a second\./m, fronts)
    t.match(fronts, /\{\{c1::`\[dependencies\]`\}\}/, fronts)
    assertRules(t, cards, chunks)
  },
)

t.test(
  '"This only needs to be done …" under a command is told of that command, which is then no blank; how often is a quantity; "If you are unsure what …, run the following to find out:" asks how to find out',
  async (t) => {
    const { cards, chunks } = await cardsOf(`# Registry

To get started with your images, run the following command to create a new registry:

\`\`\`
registry init
\`\`\`

This only needs to be done once per project.

If you are ever unsure which images are stored locally, you can run the following to find out:

\`\`\`
registry ls
\`\`\`

Registry backups are made twice a day.
`)
    const asked = new Map(cards.map((card) => [card.front, card.back]))
    t.equal(asked.get('`registry init` only needs to be done {{c1::once per project}}.'), 'once per project', show(cards))
    t.equal(asked.get('How do you find out which images are stored locally?'), '`registry ls`', show(cards))
    t.equal(asked.get('Registry backups are made {{c1::twice a day}}.'), 'twice a day', show(cards))
    assertRules(t, cards, chunks)
  },
)

t.test(
  'an adjective that is the whole predicate of "be" is the blank ("should always be {{stable}}"); with a second clause it is not; a judging adjective opens no blank',
  async (t) => {
    const { cards, chunks } = await cardsOf(`# Releases

Your release branch should always be stable.

Lists are mutable, while strings are immutable.

A good heap needs a mix of straw and grass.
`)
    const fronts = cards.map((card) => card.front)
    t.ok(fronts.includes('Your release branch should always be {{c1::stable}}.'), show(cards))
    t.notOk(
      fronts.some((front) => front.includes('{{c1::immutable}}') || front.includes('{{c1::good heap}}')),
      show(cards),
    )
    assertRules(t, cards, chunks)
  },
)

t.test(
  'a name before its abbreviation is asked as "What does X stand for?"; a range is one quantity; "A classic example is …" is an example of something said before',
  async (t) => {
    const { cards, chunks } = await cardsOf(`# Painkillers

Non-steroidal anti-inflammatory drugs (NSAIDs) block the cyclo-oxygenase enzymes.

The World Health Organization (WHO) publishes a list of essential medicines.

For a healthy adult the usual dose is 500 mg to 1 g.

A classic example is a medical test.
`)
    const asked = new Map(cards.map((card) => [card.front, card.back]))
    t.equal(asked.get('What does NSAID stand for?'), 'Non-steroidal anti-inflammatory drugs', show(cards))
    t.equal(asked.get('What does WHO stand for?'), 'World Health Organization', `"The" is no part of the name:\n${show(cards)}`)
    t.equal(asked.get('For a healthy adult the usual dose is {{c1::500 mg to 1 g}}.'), '500 mg to 1 g', show(cards))
    t.notOk(
      cards.some((card) => /medical test/.test(card.front)),
      show(cards),
    )
    t.notOk(
      cards.some((card) => card.front.startsWith('{{c1::Non-steroidal') || card.front.includes('{{c1::World Health')),
      `a cloze on the expansion asks what "What does NSAID stand for?" asks:\n${show(cards)}`,
    )
    assertRules(t, cards, chunks)
  },
)

t.test('a generic "we" in a condition inside the sentence tells no story; one that opens it does', async (t) => {
  const { cards } = await cardsOf(`# Probability

Two events are called *dependent* when we can learn about one from the other.

If we wanted to get data for any of the rodent species.
`)
  const fronts = cards.map((card) => card.front).join('\n')
  t.match(fronts, /\{\{c1::dependent\}\}/, fronts)
  t.notMatch(fronts, /rodent/, fronts)
})

t.test('a one-word plain noun the chunk keeps repeating is guessed, not recalled: no blank; a repeated action a rule demands still is one', async (t) => {
  const { cards, chunks } = await cardsOf(
    `# Kilns

Clay becomes ceramic only when it is fired in a kiln. Before firing, a pot must be completely dry; water trapped inside turns to steam and can crack the pot.
A cold kiln and a slow cooling keep a pot whole.
You must commit any work you have in progress before you switch branches. Commit often, and commit small changes.

Two events are *independent* when knowing that one happened tells you nothing about the other. Events can be combined, and events of probability 0 never happen.
`,
    { target: 10 },
  )
  const fronts = cards.map((card) => card.front).join('\n')
  t.notMatch(fronts, /\{\{c1::pot\}\}/, fronts)
  t.match(fronts, /Two events are \{\{c1::independent\}\}/, `a marked term still takes a repeated noun's place:\n${fronts}`)
  t.match(fronts, /You must \{\{c1::commit\}\} any work/, fronts)
  assertRules(t, cards, chunks)
})

t.test('who says a thing is no blank: "{{Defenders reply}} that …", "{{Critics}} argue that …"', async (t) => {
  const { cards, chunks } = await cardsOf(`# Debate

Critics argue that the thought experiment is too artificial.

Defenders reply that its simplicity isolates one variable at a time.
`)
  const fronts = cards.map((card) => card.front).join('\n')
  t.notMatch(fronts, /\{\{c1::(?:Critics|Defenders reply|Defenders)\}\}/, fronts)
  assertRules(t, cards, chunks)
})
