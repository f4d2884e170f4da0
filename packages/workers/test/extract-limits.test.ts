/*
 * Expansion limits of the extractors (EXTRACT_LIMITS), on generated pathological files: each is
 * refused before the expensive step it guards, with an ExtractionError naming the file and the
 * limit, in well under a second.
 */
import t, { type Test } from 'tap'
import { EXTRACT_LIMITS, extractText } from '../src/extract/index.js'
import { checkZip } from '../src/extract/zip-check.js'
import { makePdf } from './fixtures/documents.js'
import { longCueVtt, lyingZipBombDocx, manyPagePdf, zipBombDocx } from './fixtures/hostile-files.js'

const MB = 1024 * 1024

async function refused(t: Test, bytes: Uint8Array, filename: string, message: RegExp) {
  const started = performance.now()
  await t.rejects(extractText(bytes, { filename }), { name: 'ExtractionError', reason: 'limit', message })
  return Math.round(performance.now() - started)
}

t.test('a zip bomb DOCX is refused from its directory, before anything is inflated', async (t) => {
  const bomb = await zipBombDocx()
  t.ok(bomb.length < 2 * MB, `the 300 MB bomb is ${bomb.length} bytes`)
  const ms = await refused(
    t,
    bomb,
    'bomb.docx',
    /^bomb\.docx: DOCX part word\/document\.xml would inflate to 3\d\d,\d{3},\d{3} bytes, over the limit of 33,554,432 bytes per part$/,
  )
  t.ok(ms < 1000, `refused in ${ms} ms`)
  const ratioBomb = await zipBombDocx(8 * MB)
  const ratioMs = await refused(
    t,
    ratioBomb,
    'ratio.docx',
    /^ratio\.docx: DOCX part word\/document\.xml would inflate \d+ times \([\d,]+ bytes to [89],\d{3},\d{3} bytes\), over the limit of 100:1$/,
  )
  t.comment(
    `zip bomb: file_bytes=${bomb.length} xml_bytes_target=${300 * MB} refused_ms=${ms}; ratio bomb: file_bytes=${ratioBomb.length} xml_bytes_target=${8 * MB} refused_ms=${ratioMs}`,
  )
})

t.test('a DOCX part that inflates past the size it declares is stopped at that size', async (t) => {
  const liar = await lyingZipBombDocx(64 * MB, 1_000_000)
  const ms = await refused(t, liar, 'liar.docx', /^liar\.docx: DOCX part word\/document\.xml inflates to more than the 1,000,000 bytes it declares$/)
  t.comment(`lying zip: file_bytes=${liar.length} declared=1000000 real=${64 * MB} refused_ms=${ms}`)
  t.throws(() => checkZip(new Uint8Array(100), 'junk.docx'), { reason: 'corrupt', message: 'junk.docx: corrupt DOCX: no zip end-of-central-directory record' })
})

t.test('a PDF declaring 200,000 pages is refused by its page count; pages are read in order', async (t) => {
  const pdf = manyPagePdf()
  const ms = await refused(t, pdf, 'huge.pdf', /^huge\.pdf: the PDF has 200,000 pages, over the limit of 5,000$/)
  t.ok(ms < 5000, `refused in ${ms} ms`)
  t.comment(`many-page pdf: file_bytes=${pdf.length} pages=200000 limit=${EXTRACT_LIMITS.pdf.maxPages} refused_ms=${ms}`)
  const pages = Array.from({ length: 12 }, (_, i) => `Page number ${i + 1} of the tide tables.`)
  const doc = await extractText(await makePdf(pages), { filename: 'tides.pdf' })
  t.equal(doc.text, pages.join('\n\n'), `${pages.length} pages, ${EXTRACT_LIMITS.pdf.pageConcurrency} at a time, in page order`)
  const within = await extractText(manyPagePdf(EXTRACT_LIMITS.pdf.maxPages), { filename: 'long.pdf' })
  t.equal(within.text.split('\n\n').length, EXTRACT_LIMITS.pdf.maxPages, 'a PDF at the limit is read whole')
})

t.test('a subtitle cue of 80,000 characters is refused', async (t) => {
  const ms = await refused(
    t,
    new TextEncoder().encode(longCueVtt()),
    'lecture.vtt',
    /^lecture\.vtt: the cue at 00:00:03\.000 holds 80,000 characters, over the limit of 10,000 per cue$/,
  )
  t.comment(`long cue: chars=80000 limit=${EXTRACT_LIMITS.subtitles.maxCueChars} refused_ms=${ms}`)
})
