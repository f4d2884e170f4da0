/*
 * Inputs built to make backtracking regular expressions take quadratic or cubic time. Before
 * the fixes each of these took from seconds to minutes (the 6 KB heading ~60 s); now each is
 * parsed correctly, so a regression shows as this file timing out rather than as a flaky
 * timing assertion.
 */
import t from 'tap'
import { Type } from 'typebox'
import { atxHeading, extractText, parseSubtitles } from '../src/extract/index.js'
import { normaliseDocument } from '../src/pipeline/normalise.js'
import { parseAgainst } from '../src/providers/json-chat.js'
import { chunkDocuments } from '../src/pipeline/chunk.js'
import { inlineText } from '../src/pipeline/inline-markup.js'
import { lintCard } from '../src/pipeline/card-lint.js'
import { fencedDiv } from '../src/pipeline/boxes.js'
import { offlineConcepts } from '../src/providers/offline/concepts.js'
import { loadAnalyser } from '../src/providers/offline/nlp.js'

const utf8 = (text: string) => new TextEncoder().encode(text)
const SPACES = ' '.repeat(60_000)

t.test('markdown headings: "# a" + 60,000 spaces + "b" is one heading', async (t) => {
  t.same(atxHeading(`# a${SPACES}b`), { level: 1, text: `a${SPACES}b` })
  t.same(atxHeading(`## Title ##`), { level: 2, text: 'Title' })
  t.same(atxHeading('# C#'), { level: 1, text: 'C#' }, 'a closing run needs whitespace before it')
  t.equal(atxHeading(`#${SPACES}`), undefined, 'only whitespace: no heading')
  t.equal(atxHeading('####### seven'), undefined)

  const doc = await extractText(utf8(`# a${SPACES}b\n\nBody text.\n`), { filename: 'evil.md' })
  t.equal(doc.title, `a${SPACES}b`, 'the markdown title is found')
  const frontMatter = await extractText(utf8(`---\ntitle: "x${SPACES}y"${SPACES}\n---\n\nBody.\n`), { filename: 'fm.md' })
  t.equal(frontMatter.title, `x${SPACES}y`, 'the front matter title, quotes and trailing spaces dropped')

  const normalised = normaliseDocument({ name: 'evil.md', content: { format: 'markdown', text: `# a${SPACES}#${SPACES}\n\nBody text.\n` } })
  t.same(normalised.sections[0]?.path, ['a'], 'the section takes the heading, closing hashes dropped')
})

t.test('markdown links, images and tags left open over 100 KB', async (t) => {
  const text = `Intro ${'![]('.repeat(30_000)} ${'[('.repeat(30_000)} ${'<\u0001'.repeat(30_000)} end.`
  const doc = normaliseDocument({ name: 'links.md', content: { format: 'markdown', text } })
  t.match(JSON.stringify(doc.sections), /end\./, 'the paragraph is kept')
  const list = normaliseDocument({ name: 'list.md', content: { format: 'markdown', text: `*\t${'\t'.repeat(60_000)}*\n` } })
  t.ok(list.sections.length >= 0, 'a list item of tabs is read')
})

t.test('subtitles: a cue of 80,000 "<" and unclosed styling', async (t) => {
  const vtt = `WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n${'<'.repeat(80_000)}\n\n00:00:03.000 --> 00:00:04.000\n<v.${'<'.repeat(1000)}${'\t'.repeat(30_000)}x\n\n00:00:05.000 --> 00:00:06.000\n${'{\\'.repeat(40_000)}\n`
  t.throws(() => parseSubtitles(vtt, 'evil.vtt'), {
    name: 'ExtractionError',
    reason: 'limit',
    message: 'evil.vtt: the cue at 00:00:01.000 holds 80,000 characters, over the limit of 10,000 per cue',
  })
  // Past the cue limit, to show the markup cleaning stays linear on such cues.
  const segments = parseSubtitles(vtt, 'evil.vtt', { maxCueChars: Infinity })
  t.equal(segments.length, 3, 'every cue is read')
  t.equal(segments[0]!.text.length, 80_000, 'a lone "<" is text, not a tag')
  const srt = `1\n${'\n'.repeat(60_000)}`
  t.equal((await extractText(utf8(`0\t${srt}text`), { filename: 'x.txt' })).format, 'text', 'SRT detection on blank lines')
})

t.test('html detection past a run of unclosed comments', async (t) => {
  const doc = await extractText(utf8(`<!${'----><!----><!'.repeat(250)}<p>text</p>`), { filename: 'c.txt' })
  t.equal(doc.format, 'text', 'comments that open no html document: text')
  const html = await extractText(utf8(`<!-- a -->\n<!-- b --><html><body><p>Hello there, reader.</p></body></html>`), { filename: 'c.txt' })
  t.equal(html.format, 'html', 'leading comments are skipped')
})

t.test('offline concepts, inline markup, fences and card checks on 100 KB of whitespace and unclosed markup', async (t) => {
  const analyse = await loadAnalyser()
  const paragraphs = [
    `A\t${'\t '.repeat(50_000)}(`,
    `${'0,'.repeat(40_000)}T,T`,
    `'${'TO\tT\u0000'.repeat(30_000)}\t`,
    `X is called ${' '.repeat(60_000)}y.`,
    `A b${' '.repeat(60_000)}is a c.`,
  ]
  const text = paragraphs.join('\n\n')
  const [chunk] = chunkDocuments([normaliseDocument({ name: 'evil.md', content: { format: 'markdown', text } })], 1_000_000)
  t.ok(Array.isArray(offlineConcepts(chunk!, analyse)), 'read to the end')
  t.equal(inlineText(`${'{term}`'.repeat(20_000)} ${'*a '.repeat(20_000)} ${'**b'.repeat(20_000)} ${'`x <'.repeat(20_000)}`).text.length > 0, true)
  t.same(fencedDiv(`:::${' '.repeat(60_000)}x`), { name: 'x' })
  t.same(fencedDiv(`:::${' '.repeat(60_000)}`), {})
  t.same(lintCard({ type: 'basic', front: `What is a${' '.repeat(60_000)}b?`, back: `${'x, '.repeat(20_000)}` }).includes('C4'), true)
})

t.test('a model answer fenced with 100 KB of whitespace', async (t) => {
  const parsed = parseAgainst(Type.Object({ ok: Type.Boolean() }), `\`\`\`json\n${'\t'.repeat(60_000)}{"ok":true}${'\t'.repeat(60_000)}\n\`\`\``)
  t.same(parsed, { ok: true, value: { ok: true } })
  t.equal(parseAgainst(Type.Object({}), `\`\`\`\t${'\t'.repeat(60_000)}n`).ok, false, 'an unclosed fence is not JSON')
})
