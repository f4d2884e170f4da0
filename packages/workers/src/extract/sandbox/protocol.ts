import type { DetectedType, ExtractedDocument, ExtractionFailure, FileHint } from '../types.js'

/*
 * What the main thread and an extraction thread say to each other. The thread imports only this
 * module of the sandbox: the pool (main thread only) loads the workers' errors and with them
 * BullMQ, which must stay out of the thread's bundle.
 */

/** The first message of every pool thread: its module is loaded and it takes tasks. Time limits count from here. */
export const THREAD_READY = 'thread-ready'

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
