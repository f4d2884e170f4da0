/**
 * Turns the bytes of a course file into text: type detection by content, then one extractor per
 * format (txt, md, html, vtt, srt, pdf, docx). Audio and video are recognised but not handled
 * here; the transcription worker sends them to speech-to-text.
 */
import { detectType } from './detect.js'
import { decodeText } from './text-encoding.js'
import { extractDocx } from './docx.js'
import { extractHtml } from './html.js'
import { markdownTitle } from './markdown-heading.js'
import { extractPdf } from './pdf.js'
import { parseSubtitles } from './subtitles.js'
import { ExtractionError, describeFile, type DocumentFormat, type ExtractedDocument, type FileHint } from './types.js'

export { detectType } from './detect.js'
export { looksLikeText, decodeText } from './text-encoding.js'
export { htmlToMarkdown, HTML_LIMITS, type HtmlToMarkdownOptions } from './html.js'
export { atxHeading } from './markdown-heading.js'
export { EXTRACT_LIMITS } from './limits.js'
export { parseSubtitles, toWebVtt, formatTimestamp } from './subtitles.js'
export {
  ExtractionError,
  type DetectedType,
  type DocumentFormat,
  type ExtractedDocument,
  type ExtractionFailure,
  type FileHint,
  type TextExtractor,
  type TimedSegment,
} from './types.js'

/**
 * Extracts the text of a file. The type comes from the content (magic bytes, then the shape of
 * the text); `hint.filename` / `hint.mimeType` only break ties for plain text and name the file
 * in errors. Throws `ExtractionError` (message `<file>: <reason>`) for unsupported, corrupt,
 * empty or audio/video input.
 *
 * @example
 * const doc = await extractText(await readFile('intro.pdf'), { filename: 'intro.pdf' })
 * doc.format // 'pdf'
 */
export async function extractText(bytes: Uint8Array, hint: FileHint = {}): Promise<ExtractedDocument> {
  const file = describeFile(hint)
  const detected = await detectType(bytes, hint)
  if (detected.kind === 'media') throw mediaIsNotText(file, detected.mime)
  return extractDocument(bytes, detected.format, hint)
}

export function mediaIsNotText(file: string, mime: string): ExtractionError {
  return new ExtractionError(file, 'media', `is ${mime}: audio and video need speech-to-text (a transcription job), not text extraction`)
}

/** The text of a document whose format `detectType` has told. */
export async function extractDocument(bytes: Uint8Array, format: DocumentFormat, hint: FileHint = {}): Promise<ExtractedDocument> {
  const file = describeFile(hint)
  let doc: ExtractedDocument
  switch (format) {
    case 'pdf':
      doc = { format, ...(await extractPdf(bytes, file)) }
      break
    case 'docx':
      doc = { format, ...(await extractDocx(bytes, file)) }
      break
    case 'html':
      doc = { format, ...(await extractHtml(decodeText(bytes), file)) }
      break
    case 'vtt':
    case 'srt': {
      const segments = parseSubtitles(decodeText(bytes), file)
      if (segments.length === 0) throw new ExtractionError(file, 'empty', `the ${format.toUpperCase()} file has no cues with text`)
      doc = { format, text: segments.map((segment) => segment.text).join('\n'), segments }
      break
    }
    case 'markdown':
    case 'text': {
      const text = decodeText(bytes).trim()
      const title = format === 'markdown' ? markdownTitle(text) : undefined
      doc = { format, text, ...(title ? { title } : {}) }
      break
    }
  }
  if (doc.text.trim() === '') throw new ExtractionError(file, 'empty', `the ${format} file contains no text`)
  if (doc.title === undefined) delete doc.title
  return doc
}
