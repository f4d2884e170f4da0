/**
 * Detection and extraction of untrusted files off the worker's main thread: each file is handled
 * in a worker thread with a heap limit (EXTRACT_MAX_HEAP_MB) and a wall-clock limit
 * (EXTRACT_TIMEOUT_MS) that terminates the thread, on top of the extractors' own expansion
 * limits. A hostile file fails its own job with an `ExtractionError` (reason `limit`) naming the
 * limit; the main thread keeps renewing locks, heartbeats and other jobs meanwhile. Threads start
 * at the first file, not with the worker.
 */
import { mediaIsNotText } from '../index.js'
import { ExtractionError, describeFile, type ExtractedDocument, type FileHint } from '../types.js'
import { ExtractorFailedError } from '../../errors.js'
import { ThreadLimitError, ThreadPool } from './pool.js'
import type { Analysis, SandboxReply, SandboxRequest } from './protocol.js'
import type { ExtractSettings } from '@flashcards/queue-core'

/** The sandbox's limits: the config's `extract` section (EXTRACT_TIMEOUT_MS, EXTRACT_MAX_HEAP_MB, EXTRACT_THREADS). */
export type SandboxSettings = ExtractSettings
export type { Analysis } from './protocol.js'

/** The thread's module: the TypeScript source under tests, the bundle's `extract-thread.js` when built. */
function threadFile(): URL {
  const here = import.meta.url
  return here.endsWith('.ts') ? new URL('./thread.ts', here) : new URL('./extract-thread.js', here)
}

export class ExtractionSandbox {
  private pool: ThreadPool<SandboxRequest, SandboxReply> | undefined

  constructor(readonly settings: SandboxSettings) {}

  /** What the file is and, for a document, its text (media is reported for speech-to-text). */
  async analyse(bytes: Uint8Array, hint: FileHint, signal?: AbortSignal): Promise<Analysis> {
    const file = describeFile(hint)
    this.pool ??= new ThreadPool({ file: threadFile(), size: this.settings.threads, timeoutMs: this.settings.timeoutMs, maxHeapMb: this.settings.maxHeapMb })
    let reply: SandboxReply
    try {
      reply = await this.pool.run({ bytes, hint, mode: 'extract' }, signal)
    } catch (err) {
      throw err instanceof ThreadLimitError ? this.limitError(file, err) : err
    }
    if (reply.ok) return reply.analysis
    const refused = reply.extraction
    if (refused) throw new ExtractionError(refused.file, refused.reason, refused.message.slice(refused.file.length + 2))
    throw new ExtractorFailedError(`${file}: ${reply.message}`)
  }

  /** The text of a document, as `extractText` gives it; audio and video are refused. */
  async extractText(bytes: Uint8Array, hint: FileHint, signal?: AbortSignal): Promise<ExtractedDocument> {
    const { detected, document } = await this.analyse(bytes, hint, signal)
    if (detected.kind === 'media' || !document) throw mediaIsNotText(describeFile(hint), detected.mime)
    return document
  }

  async close(): Promise<void> {
    await this.pool?.close()
    this.pool = undefined
  }

  private limitError(file: string, err: ThreadLimitError): ExtractionError {
    const { timeoutMs, maxHeapMb } = this.settings
    const detail =
      err.kind === 'time'
        ? `reading the file took longer than the limit of ${timeoutMs.toLocaleString('en')} ms (EXTRACT_TIMEOUT_MS); its extraction thread was stopped`
        : err.kind === 'memory'
          ? `reading the file needed more memory than the limit of ${maxHeapMb} MB (EXTRACT_MAX_HEAP_MB); its extraction thread was stopped`
          : `its extraction thread stopped unexpectedly (${err.message})`
    return new ExtractionError(file, 'limit', detail, { cause: err })
  }
}
