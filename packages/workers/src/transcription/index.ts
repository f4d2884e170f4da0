/**
 * The transcription worker: turns the files of a module (documents, subtitles, audio, video)
 * into transcripts under CONTENT_DIR and, with ENQUEUE_MODULE_JOB_ON_COMPLETE=true, chains
 * into the module's generation.
 */
import type { Job } from 'bullmq'
import { InvalidJobError } from '../errors.js'
import { JOB_NAMES, TranscriptionJobData, type FlashcardConfig, type JobLogStore, type TranscriptionSettings } from '@flashcards/queue-core'
import { ExtractionSandbox, type SandboxSettings } from '../extract/sandbox/index.js'
import { jobPayload } from '../runtime/payload.js'
import { startQueueWorker, type Logger, type QueueWorker, type QueueWorkerOptions } from '../runtime/index.js'
import { processFileJob, TRANSCRIBE_FILE_JOB, type FileTranscriptResult } from './file-job.js'
import { createS3Client } from './fetch/s3.js'
import { processModuleJob, type ModuleTranscriptionResult } from './module-job.js'
import { createSpeechToText, type SpeechToText } from './stt/index.js'

export { TRANSCRIBE_FILE_JOB, type FileTranscriptResult } from './file-job.js'
export type { ModuleTranscriptionResult } from './module-job.js'
export { writeTranscript, transcriptPath, type StoredTranscript } from './store.js'
export { fetchFile, refusedRange, type FetchedFile, type FileFetcherOptions } from './fetch/index.js'
export { createSpeechToText, GeminiSpeechToText, OpenAiSpeechToText, type SpeechToText, type MediaInput, type Transcript } from './stt/index.js'

export interface TranscriptionWorkerOptions {
  /** The runbook's variables (loadConfig): REDIS_URL, WORKER_CONCURRENCY, JOB_TIMEOUT_MS, CONTENT_DIR, MOCK_FILE_URLS, … */
  config: Readonly<FlashcardConfig>
  logger: Logger
  jobLogStore?: JobLogStore
  /** Overrides of the worker's own knobs; the rest come from `config.transcription` (LOCAL_FILE_ROOT, MAX_FILE_BYTES, …). */
  settings?: Partial<TranscriptionSettings>
  /** Overrides of the extraction sandbox's limits; the rest come from `config.extract` (EXTRACT_TIMEOUT_MS, EXTRACT_MAX_HEAP_MB, EXTRACT_THREADS). */
  sandbox?: Partial<SandboxSettings>
  /** A host's own speech-to-text provider; default: Gemini or OpenAI-compatible, from the config. */
  speechToText?: SpeechToText
  tuning?: QueueWorkerOptions<unknown, unknown>['tuning']
  heartbeatIntervalMs?: number
}

type TranscriptionResult = ModuleTranscriptionResult | FileTranscriptResult

/**
 * Starts a worker on the transcription queue, with the runtime's lifecycle (concurrency,
 * JOB_TIMEOUT_MS per file, stalled-job recovery, cancellation, heartbeat, metrics with
 * `type="transcription"`, graceful close).
 *
 * @example
 * const config = loadConfig()
 * const worker = await startTranscriptionWorker({ config, logger: createLogger({ name: 'transcription', debug: config.logs.debug }) })
 * process.once('SIGTERM', () => void worker.close())
 */
export async function startTranscriptionWorker(options: TranscriptionWorkerOptions): Promise<QueueWorker> {
  const { config } = options
  const settings = { ...config.transcription, ...options.settings }
  const speechToText = options.speechToText ?? createSpeechToText(config, settings.openaiTranscriptionModel)
  let s3: ReturnType<typeof createS3Client> | undefined
  const sandbox = new ExtractionSandbox({ ...config.extract, ...options.sandbox })
  const fileDeps = {
    contentDir: config.worker.contentDir,
    sandbox,
    speechToText,
    fetch: {
      mock: settings.mockFileUrls,
      allowPrivate: config.worker.allowPrivateFileUrls,
      localRoot: settings.localRoot,
      maxBytes: settings.maxFileBytes,
      timeoutMs: settings.fetchTimeoutMs,
      maxRedirects: settings.maxRedirects,
      s3: () => (s3 ??= createS3Client(config)),
      s3Buckets: new Set(settings.s3AllowedBuckets ?? (config.s3.bucket ? [config.s3.bucket] : [])),
    },
  }
  options.logger.info(
    { speechToText: speechToText?.name ?? 'none', mockFileUrls: settings.mockFileUrls, chain: settings.enqueueModuleJobOnComplete },
    'transcription worker configured',
  )
  const worker = await startQueueWorker<TranscriptionJobData, TranscriptionResult>({
    queue: 'transcription',
    config,
    logger: options.logger,
    ...(options.jobLogStore ? { jobLogStore: options.jobLogStore } : {}),
    ...(options.tuning ? { tuning: options.tuning } : {}),
    ...(options.heartbeatIntervalMs ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
    processor: async (job: Job<TranscriptionJobData, TranscriptionResult>, ctx) => {
      if (job.name !== TRANSCRIBE_FILE_JOB && job.name !== JOB_NAMES.transcription) {
        throw new InvalidJobError(`Unknown job name ${JSON.stringify(job.name)} on the transcription queue`)
      }
      // Both job names carry a module's payload; a forged one fails here, before any fetch or write.
      const data = jobPayload(TranscriptionJobData, job)
      if (job.name === TRANSCRIBE_FILE_JOB) return processFileJob(job, data, ctx, fileDeps)
      return processModuleJob(job, data, ctx, { enqueueOnComplete: settings.enqueueModuleJobOnComplete })
    },
  })
  return {
    ...worker,
    close: async () => {
      await worker.close()
      await sandbox.close()
      if (s3) (await s3).destroy()
    },
  }
}
