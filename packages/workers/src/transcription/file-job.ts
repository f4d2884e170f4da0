import { Job } from 'bullmq'
import { FileFailedError, InvalidJobError, SpeechToTextMissingError, UnrecoverableError } from '../errors.js'
import type { FileTranscript, TranscriptionFile, TranscriptionJobData } from '@flashcards/queue-core'
import { ExtractionError, type FileHint } from '../extract/index.js'
import type { ExtractionSandbox } from '../extract/sandbox/index.js'
import { RateLimitedError, type ProcessorContext } from '../runtime/index.js'
import { safeUrl, toJobError } from './errors.js'
import { fetchFile, type FileFetcherOptions } from './fetch/index.js'
import { writeTranscript } from './store.js'
import type { SpeechToText } from './stt/index.js'

/** BullMQ name of the per-file child jobs a `transcribe-module` job fans out into. */
export const TRANSCRIBE_FILE_JOB = 'transcribe-file'

/** The result of one file: where its transcript is and how big it is (its schema is queue-core's). */
export type FileTranscriptResult = FileTranscript

export interface FileJobDeps {
  contentDir: string
  /** Where files are detected and extracted: worker threads with heap and time limits. */
  sandbox: ExtractionSandbox
  fetch: FileFetcherOptions
  speechToText: SpeechToText | undefined
}

export function describeJobFile(file: TranscriptionFile): string {
  return `File ${file.file_id} (${safeUrl(file.url)})`
}

/**
 * Transcribes one file: fetch, detect the type by content, extract text (documents) or run
 * speech-to-text (audio/video), and store the transcript. Errors name the file; only transient
 * ones (timeouts, 5xx, dropped connections) are left retryable.
 */
export async function processFileJob(job: Job<TranscriptionJobData>, data: TranscriptionJobData, ctx: ProcessorContext, deps: FileJobDeps): Promise<FileTranscriptResult> {
  const file = data.files[0]
  if (!file || data.files.length !== 1) throw new InvalidJobError(`${TRANSCRIBE_FILE_JOB} job ${job.id} must carry exactly one file`)
  const label = describeJobFile(file)
  try {
    await ctx.progress(5, 'fetch', `Fetching ${label}`)
    const fetched = await fetchFile(file, deps.fetch, ctx.signal)
    await ctx.progress(30, 'fetched', `Fetched ${fetched.bytes.length} bytes of ${label}`, { bytes: fetched.bytes.length, mimeType: fetched.mimeType })
    const hint: FileHint = { filename: fetched.filename, ...((fetched.mimeType ?? file.mime_type) ? { mimeType: fetched.mimeType ?? file.mime_type } : {}) }
    await ctx.progress(35, 'extract', `Detecting the type of ${label} and extracting its text`)
    // Off the main thread: a hostile file can only exhaust its own sandboxed thread.
    const { detected, document } = await deps.sandbox.analyse(fetched.bytes, hint, ctx.signal)
    let content: { text: string; segments?: { start: number; end: number; text: string }[]; title?: string }
    let source: string
    if (detected.kind === 'media') {
      const stt = deps.speechToText
      if (!stt) throw new SpeechToTextMissingError()
      source = detected.mime
      await ctx.progress(40, 'speech_to_text', `Transcribing ${detected.mime} with ${stt.name}`)
      content = await stt.transcribe({ bytes: fetched.bytes, mimeType: detected.mime, filename: fetched.filename }, ctx.signal)
    } else {
      source = detected.format
      await ctx.progress(40, 'extracted', `Extracted ${document!.text.length} characters from ${detected.format}`)
      content = document!
    }
    const target = { tenant: data.owner.tenant, course_id: data.course_id, module_id: data.module_id, file_id: file.file_id }
    const stored = await writeTranscript(deps.contentDir, target, content)
    await ctx.progress(100, 'stored', `Transcript of ${file.file_id} written to ${stored.path}`, { ...stored })
    await reportToParent(job, ctx)
    return { file_id: file.file_id, source, bytes: fetched.bytes.length, ...stored }
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason
    throw asJobError(label, err)
  }
}

function asJobError(label: string, err: unknown): Error {
  if (err instanceof RateLimitedError) return err
  if (err instanceof ExtractionError) return new FileFailedError(`${label}: ${err.message.slice(err.file.length + 2)}`, { cause: err })
  if (err instanceof UnrecoverableError) return new FileFailedError(`${label}: ${err.message}`, { cause: err })
  return toJobError(label, err)
}

/** Moves the parent's progress on, so a client polling the module job sees files finish. */
async function reportToParent(job: Job, ctx: ProcessorContext): Promise<void> {
  const parentId = job.parent?.id
  if (!parentId) return
  try {
    const parent = await Job.fromId(ctx.queues.queue('transcription'), parentId)
    if (!parent) return
    const counts = await parent.getDependenciesCount()
    const total = (counts.processed ?? 0) + (counts.unprocessed ?? 0) + (counts.ignored ?? 0) + (counts.failed ?? 0)
    // This job still counts as unprocessed until its processor returns.
    const done = Math.min(total, total - (counts.unprocessed ?? 0) + 1)
    await parent.updateProgress({ percent: Math.round(5 + (90 * done) / Math.max(total, 1)), step: 'files', message: `${done} of ${total} files transcribed` })
  } catch (err) {
    ctx.logger.debug({ err: (err as Error).message }, 'could not update the parent job progress')
  }
}
