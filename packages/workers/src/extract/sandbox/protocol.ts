import type { DetectedType, ExtractedDocument, ExtractionFailure, FileHint } from '../types.js'

/** What the main thread asks of an extraction thread. */
export interface SandboxRequest {
  bytes: Uint8Array
  hint: FileHint
  /** `detect`: only tell the type; `extract`: the text of a document (media is reported, not refused). */
  mode: 'detect' | 'extract'
}

/** What the file is and, for a document in `extract` mode, its text. */
export interface Analysis {
  detected: DetectedType
  document?: ExtractedDocument
}

/** The thread's answer: an analysis, or a refusal as plain data (an Error's class does not cross threads). */
export type SandboxReply = { ok: true; analysis: Analysis } | { ok: false; extraction?: { file: string; reason: ExtractionFailure; message: string }; message: string }
