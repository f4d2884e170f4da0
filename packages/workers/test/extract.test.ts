import t from 'tap'
import { detectType, extractText, ExtractionError, parseSubtitles, toWebVtt } from '../src/extract/index.js'
import { HTML_PAGE, MARKDOWN, PLAIN_TEXT, SRT, VTT, makeDocx, makePdf, makeWav } from './fixtures/documents.js'

const utf8 = (text: string) => new TextEncoder().encode(text)

t.test('markdown keeps its text and takes the title from front matter', async (t) => {
  const doc = await extractText(utf8(MARKDOWN), { filename: 'respiration.md' })
  t.equal(doc.format, 'markdown')
  t.equal(doc.title, 'Cell Respiration')
  t.match(doc.text, /- Glycolysis happens in the cytoplasm\./)
  t.equal(doc.segments, undefined)
})

t.test('plain text, with or without a name', async (t) => {
  t.same(await extractText(utf8(PLAIN_TEXT), { filename: 'osmosis.txt' }), { format: 'text', text: PLAIN_TEXT.trim() })
  t.equal((await extractText(utf8(PLAIN_TEXT), {})).format, 'text')
  t.equal((await extractText(utf8('\uFEFFline one\r\nline two'), { mimeType: 'text/plain' })).text, 'line one\nline two')
})

t.test('html keeps the main content and its structure, drops navigation, footer and scripts', async (t) => {
  const doc = await extractText(utf8(HTML_PAGE), { filename: 'page.bin' })
  t.equal(doc.format, 'html', 'detected from the content, not the name')
  t.match(doc.text, /green plants turn light energy into chemical energy/)
  t.match(doc.text, /^## Inputs$/m)
  t.match(doc.text, /^- Water from the soil$/m)
  t.match(doc.text, /```\n6CO2 \+ 6H2O -> C6H12O6 \+ 6O2\n```/)
  t.notMatch(doc.text, /About us|newsletter|trackVisitor/)
  t.match(doc.title, /Photosynthesis/)
})

t.test('vtt keeps cue timestamps in seconds, ignores settings, notes and markup', async (t) => {
  const doc = await extractText(utf8(VTT), { filename: 'lecture.vtt' })
  t.equal(doc.format, 'vtt')
  t.same(doc.segments, [
    { start: 1, end: 4.5, text: 'Instructor: Welcome to the networking module.' },
    { start: 5, end: 9.25, text: 'A router forwards packets between networks.' },
    { start: 62.5, end: 65, text: 'Switches work inside one network.' },
  ])
  t.equal(doc.text.split('\n').length, 3)
})

t.test('srt is detected by its shape and keeps timestamps', async (t) => {
  const doc = await extractText(utf8(SRT), { filename: 'captions.txt' })
  t.equal(doc.format, 'srt')
  t.same(
    doc.segments?.map((s) => [s.start, s.end, s.text]),
    [
      [0.5, 3, 'Version control records changes to files.'],
      [3.2, 7.9, 'A commit is a snapshot of the project.'],
      [70, 72.345, 'Branches let work happen in parallel.'],
    ],
  )
})

t.test('segments survive a round trip through the WebVTT writer', async (t) => {
  const segments = parseSubtitles(SRT)
  t.same(parseSubtitles(toWebVtt(segments)), segments)
  t.match(toWebVtt([{ start: 3725.5, end: 3726, text: 'a --> b' }]), /01:02:05\.500 --> 01:02:06\.000\na -> b/)
})

t.test('pdf: text of every page and the document title', async (t) => {
  const bytes = await makePdf(['Continents drift on tectonic plates.', 'Earthquakes happen at plate boundaries.'])
  const doc = await extractText(bytes, { filename: 'plates.dat' })
  t.equal(doc.format, 'pdf')
  t.equal(doc.title, 'Plate Tectonics')
  t.equal(doc.text, 'Continents drift on tectonic plates.\n\nEarthquakes happen at plate boundaries.')
})

t.test('docx: headings and paragraphs through mammoth', async (t) => {
  const bytes = await makeDocx('Rock Types', ['Igneous rocks form from cooled magma.', 'Sedimentary rocks form in layers.'])
  const doc = await extractText(bytes, { filename: 'rocks.docx' })
  t.equal(doc.format, 'docx')
  t.equal(doc.title, 'Rock Types')
  t.equal(doc.text, '# Rock Types\n\nIgneous rocks form from cooled magma.\n\nSedimentary rocks form in layers.')
})

t.test('detectType trusts magic bytes over names and MIME types', async (t) => {
  t.same(await detectType(makeWav(), { filename: 'notes.txt', mimeType: 'text/plain' }), { kind: 'media', mime: 'audio/wav', ext: 'wav' })
  t.match(await detectType(await makePdf(['x']), { filename: 'x.docx' }), { kind: 'document', format: 'pdf' })
  t.match(await detectType(utf8('# Title\n'), { filename: 'x.md' }), { kind: 'document', format: 'markdown' })
  t.match(await detectType(utf8('# Title\n'), { mimeType: 'text/markdown' }), { kind: 'document', format: 'markdown' })
  t.match(await detectType(utf8('<html><body>x</body></html>'), { filename: 'x.txt' }), { format: 'html' })
})

async function rejection(bytes: Uint8Array, filename: string): Promise<ExtractionError> {
  try {
    await extractText(bytes, { filename })
  } catch (err) {
    if (err instanceof ExtractionError) return err
    throw err
  }
  throw new Error(`${filename} was accepted`)
}

t.test('bad input fails with an error naming the file and the reason', async (t) => {
  const pdf = await makePdf(['Some text for a PDF that will be cut short.'])
  const cases: [Uint8Array, string, string, RegExp][] = [
    [pdf.slice(0, 400), 'cut.pdf', 'corrupt', /^cut\.pdf: corrupt PDF/],
    [utf8('not really a pdf'), 'fake.pdf', 'corrupt', /^fake\.pdf: is not a valid PDF/],
    [(await makeDocx('a', ['b'])).slice(0, 120), 'cut.docx', 'corrupt', /^cut\.docx: corrupt DOCX/],
    [
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]),
      'photo.txt',
      'unsupported',
      /^photo\.txt: unsupported file type image\/png/,
    ],
    [new Uint8Array([0, 1, 2, 3, 250, 251, 252, 0, 7]), 'blob.bin', 'unsupported', /^blob\.bin: unsupported file type: binary content/],
    [new Uint8Array(), 'empty.md', 'empty', /^empty\.md: the file is empty$/],
    [utf8('  \n\n '), 'blank.txt', 'empty', /^blank\.txt: the text file contains no text$/],
    [utf8('WEBVTT\n\nNOTE nothing here\n'), 'none.vtt', 'empty', /^none\.vtt: the VTT file has no cues with text$/],
    [makeWav(), 'talk.wav', 'media', /^talk\.wav: is audio\/wav: audio and video need speech-to-text/],
  ]
  for (const [bytes, name, reason, message] of cases) {
    const err = await rejection(bytes, name)
    t.equal(err.reason, reason, `${name} reason`)
    t.match(err.message, message, `${name} message`)
    t.equal(err.file, name)
  }
})

t.test('Latin-1 (Windows-1252) text is decoded, not refused as binary', async (t) => {
  const latin1 = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'))
  const text = 'Le café crème coûte 3 € à Genève: naïve façade, señor, Ærø.'
  const bytes = new Uint8Array([...latin1(text.replace('€', '')), 0x80]) // 0x80 is the euro sign in Windows-1252
  t.equal(bytes.indexOf(0xc3), -1, 'not UTF-8: é is one byte, 0xE9')
  const doc = await extractText(bytes, { filename: 'notes.txt' })
  t.equal(doc.text, `${text.replace('€', '')}€`)
  const markdown = await extractText(latin1('# Théorie des marées\n\nLa marée suit la lune.\n'), { filename: 'marees.md' })
  t.same([markdown.format, markdown.title, markdown.text.endsWith('La marée suit la lune.')], ['markdown', 'Théorie des marées', true])
  const vtt = await extractText(latin1('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nÉcoutez bien.\n'), { filename: 'cours.vtt' })
  t.same(vtt.segments, [{ start: 1, end: 2, text: 'Écoutez bien.' }])
  const utf8 = await extractText(new TextEncoder().encode(text), { filename: 'utf8.txt' })
  t.equal(utf8.text, text, 'UTF-8 stays UTF-8')
  t.comment(
    `latin-1: txt, md (title "${markdown.title}") and vtt read as Windows-1252; 0x80 → €; UTF-8 unchanged; undefined bytes 0x81 0x8D 0x8F 0x90 0x9D still refused as binary`,
  )
  await t.rejects(
    extractText(new Uint8Array([0x81, 0x8d, 0x41, 0x42, 0x8f, 0x90, 0x9d, 0x43]), { filename: 'odd.txt' }),
    { name: 'ExtractionError', message: /^odd\.txt: unsupported file type: binary content/ },
    'bytes Windows-1252 leaves undefined are not text',
  )
})
