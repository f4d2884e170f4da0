import { fileTypeFromBuffer } from 'file-type'
import { looksLikeText } from './text-encoding.js'
import { ExtractionError, describeFile, type DetectedType, type DocumentFormat, type FileHint } from './types.js'

const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

const FORMAT_MIME: Record<DocumentFormat, string> = {
  markdown: 'text/markdown',
  text: 'text/plain',
  html: 'text/html',
  vtt: 'text/vtt',
  srt: 'application/x-subrip',
  pdf: 'application/pdf',
  docx: DOCX_MIME,
}

const EXTENSION_FORMAT: Record<string, DocumentFormat> = {
  md: 'markdown',
  markdown: 'markdown',
  mdx: 'markdown',
  txt: 'text',
  text: 'text',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  vtt: 'vtt',
  srt: 'srt',
  pdf: 'pdf',
  docx: 'docx',
}

const MIME_FORMAT: Record<string, DocumentFormat> = {
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/plain': 'text',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/vtt': 'vtt',
  'application/x-subrip': 'srt',
  'text/srt': 'srt',
  'application/pdf': 'pdf',
  [DOCX_MIME]: 'docx',
}

/** Formats that are binary: a hint claiming one of them is wrong when the magic bytes are absent. */
const BINARY_FORMATS = new Set<DocumentFormat>(['pdf', 'docx'])
const SRT_START = /^\s*\d+[ \t]*\r?\n[ \t]*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}[ \t]*-->/
const HTML_START = /^<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])/i

function extensionOf(filename: string | undefined): string | undefined {
  if (!filename) return undefined
  const base =
    filename
      .split(/[/\\?#]/)
      .filter(Boolean)
      .pop() ?? ''
  const dot = base.lastIndexOf('.')
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : undefined
}

function formatFromHint(hint: FileHint): DocumentFormat | undefined {
  const ext = extensionOf(hint.filename)
  if (ext && EXTENSION_FORMAT[ext]) return EXTENSION_FORMAT[ext]
  const mime = hint.mimeType?.split(';')[0]?.trim().toLowerCase()
  return mime ? MIME_FORMAT[mime] : undefined
}

function hintIsMedia(hint: FileHint): boolean {
  return /^(?:audio|video)\//i.test(hint.mimeType ?? '')
}

/**
 * Tells what a file is from its content first (magic bytes, then the shape of its text) and from
 * its name or declared MIME type only when the content is plain text that says nothing more.
 * Throws an `ExtractionError` for content that is neither a supported document nor audio/video.
 */
export async function detectType(bytes: Uint8Array, hint: FileHint = {}): Promise<DetectedType> {
  const file = describeFile(hint)
  if (bytes.length === 0) throw new ExtractionError(file, 'empty', 'the file is empty')

  const sniffed = await fileTypeFromBuffer(bytes)
  const claimed = formatFromHint(hint)
  if (sniffed?.mime === 'application/zip' && claimed === 'docx') {
    throw new ExtractionError(file, 'corrupt', 'corrupt DOCX: a zip archive without a readable Word document inside')
  }
  if (sniffed) {
    if (sniffed.mime === 'application/pdf') return { kind: 'document', format: 'pdf', mime: sniffed.mime }
    if (sniffed.mime === DOCX_MIME) return { kind: 'document', format: 'docx', mime: sniffed.mime }
    if (sniffed.mime === 'text/vtt') return { kind: 'document', format: 'vtt', mime: sniffed.mime }
    if (sniffed.mime.startsWith('audio/') || sniffed.mime.startsWith('video/')) {
      return { kind: 'media', mime: sniffed.mime, ext: sniffed.ext }
    }
    // Some signatures (e.g. an SVG or XML sniff) are still text we can read.
    if (!looksLikeText(bytes)) {
      throw new ExtractionError(file, 'unsupported', `unsupported file type ${sniffed.mime} (.${sniffed.ext}); expected txt, md, html, vtt, srt, pdf, docx, audio or video`)
    }
  }

  if (!looksLikeText(bytes)) {
    if (claimed && BINARY_FORMATS.has(claimed)) {
      throw new ExtractionError(file, 'corrupt', `is not a valid ${claimed.toUpperCase()} (its content does not have the ${claimed.toUpperCase()} signature)`)
    }
    if (hintIsMedia(hint)) {
      throw new ExtractionError(file, 'unsupported', `declared as ${hint.mimeType} but its content is not a recognised audio or video format`)
    }
    throw new ExtractionError(file, 'unsupported', 'unsupported file type: binary content of an unknown format')
  }

  const head = new TextDecoder().decode(bytes.subarray(0, 4096))
  if (/^\uFEFF?WEBVTT(?:\s|$)/.test(head)) return document('vtt')
  if (SRT_START.test(head)) return document('srt')
  if (HTML_START.test(withoutLeadingComments(head))) return document('html')
  if (claimed && BINARY_FORMATS.has(claimed)) {
    throw new ExtractionError(file, 'corrupt', `is not a valid ${claimed.toUpperCase()}: its content is plain text`)
  }
  // A .vtt/.srt without cues is read as plain text rather than refused: its words are still content.
  return document(claimed === 'markdown' || claimed === 'html' ? claimed : 'text')
}

/** The text after a BOM, whitespace and `<!-- … -->` comments at its start, skipped without backtracking. */
function withoutLeadingComments(text: string): string {
  let rest = text.replace(/^\uFEFF/, '').trimStart()
  while (rest.startsWith('<!--')) {
    const end = rest.indexOf('-->', 4)
    if (end < 0) return ''
    rest = rest.slice(end + 3).trimStart()
  }
  return rest
}

function document(format: DocumentFormat): DetectedType {
  return { kind: 'document', format, mime: FORMAT_MIME[format] }
}
