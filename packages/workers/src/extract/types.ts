import type { CodedError } from '@flashcards/queue-core'
import { WORKER_ERRORS } from '../error-table.js'

const { EXTRACTION_FAILED } = WORKER_ERRORS

/** Text formats `extractText` understands. */
export type DocumentFormat = 'markdown' | 'text' | 'html' | 'vtt' | 'srt' | 'pdf' | 'docx'

/** A cue of a subtitle file (or of a transcript): times in seconds from the start of the media. */
export interface TimedSegment {
  start: number
  end: number
  text: string
}

/** The text of one file, ready for normalising and chunking. */
export interface ExtractedDocument {
  format: DocumentFormat
  text: string
  title?: string
  /** Present for vtt/srt: the cues with their timestamps, so cards can cite them. */
  segments?: TimedSegment[]
}

/** What the caller knows about a file besides its bytes; used only when the content itself says nothing. */
export interface FileHint {
  filename?: string
  mimeType?: string
}

/** Turns a file into text: `extractText` in-process, or an `ExtractionSandbox`'s in a worker thread. */
export type TextExtractor = (bytes: Uint8Array, hint: FileHint, signal?: AbortSignal) => Promise<ExtractedDocument>

/** The outcome of `detectType`: a document to extract, or media for speech-to-text. */
export type DetectedType = { kind: 'document'; format: DocumentFormat; mime: string } | { kind: 'media'; mime: string; ext: string }

/** Why a file gives no text; `limit`: it is beyond a limit that keeps a worker responsive (HTML depth or size). */
export type ExtractionFailure = 'unsupported' | 'corrupt' | 'empty' | 'media' | 'limit'

/**
 * A file that cannot be turned into text. The message names the file and the reason; retrying
 * never helps, so workers fail the job at once. Its row is `EXTRACTION_FAILED` of the workers'
 * error table; the class is written out rather than made by `codedError` because it is thrown in
 * the extraction threads, which load neither BullMQ nor queue-core.
 */
export class ExtractionError extends Error implements CodedError {
  readonly code: string = EXTRACTION_FAILED.code
  readonly statusCode: number = EXTRACTION_FAILED.statusCode
  readonly retryable: boolean = EXTRACTION_FAILED.retryable
  readonly details: Record<string, unknown> | undefined
  readonly retryAfterSeconds: number | undefined = undefined
  readonly file: string
  readonly reason: ExtractionFailure

  constructor(file: string, reason: ExtractionFailure, detail: string, options?: { cause?: unknown }) {
    super(`${file}: ${detail}`, options)
    this.name = 'ExtractionError'
    this.file = file
    this.reason = reason
    this.details = { reason }
  }
}

/** How a file is named in messages: its name when known, else its declared type. */
export function describeFile(hint: FileHint): string {
  return hint.filename ?? (hint.mimeType ? `file (${hint.mimeType})` : 'file')
}
