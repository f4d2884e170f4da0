import { WaitingChildrenError, type Job } from 'bullmq'
import { FileFailedError } from '../errors.js'
import type { EnqueuedJob, TranscriptionJobData, TranscriptionResult } from '@flashcards/queue-core'
import type { ProcessorContext } from '../runtime/index.js'
import { TRANSCRIBE_FILE_JOB, type FileTranscriptResult } from './file-job.js'

/** The result of a module's transcription job (its schema is queue-core's, so the API documents it). */
export type ModuleTranscriptionResult = TranscriptionResult

/**
 * A module's transcription job, in two passes. First it fans out into one child job per file
 * (run by any transcription worker, in parallel, each with its own attempts and timeout) and
 * parks in BullMQ's waiting-children state. When the last child finishes, BullMQ moves it back
 * to waiting — atomically, in one Redis script, however many workers finish files at the same
 * moment — and the second pass collects the transcripts and, when asked, enqueues the module's
 * generation exactly once.
 */
export async function processModuleJob(
  job: Job<TranscriptionJobData>,
  data: TranscriptionJobData,
  ctx: ProcessorContext,
  options: { enqueueOnComplete: boolean },
): Promise<ModuleTranscriptionResult> {
  const counts = await job.getDependenciesCount()
  const children = (counts.processed ?? 0) + (counts.unprocessed ?? 0) + (counts.ignored ?? 0) + (counts.failed ?? 0)
  if (children === 0) await fanOut(job, data, ctx)
  if (await job.moveToWaitingChildren(job.token!)) throw new WaitingChildrenError()

  const values = (await job.getChildrenValues()) as Record<string, FileTranscriptResult>
  const failures = await job.getIgnoredChildrenFailures()
  const failed = Object.values(failures)
  if (failed.length > 0) {
    throw new FileFailedError(`${failed.length} of ${data.files.length} files could not be transcribed: ${failed.join('; ')}`)
  }
  const byId = new Map(Object.values(values).map((result) => [result.file_id, result]))
  const transcripts = data.files.map((file) => byId.get(file.file_id)).filter((result): result is FileTranscriptResult => result !== undefined)
  const result: ModuleTranscriptionResult = {
    module_id: data.module_id,
    course_id: data.course_id,
    transcripts,
    characters: transcripts.reduce((sum, t) => sum + t.characters, 0),
    segments: transcripts.reduce((sum, t) => sum + t.segments, 0),
    generation_job: null,
  }
  ctx.log.raw('transcripts', transcripts)
  await ctx.progress(95, 'transcribed', `${transcripts.length} files transcribed: ${result.characters} characters, ${result.segments} segments`)

  if (options.enqueueOnComplete) {
    // Deduplicated by the queue client: a retry of this pass finds the job it already enqueued.
    const generation: EnqueuedJob = await ctx.queues.enqueueModule({
      module_id: data.module_id,
      course_id: data.course_id,
      settings: data.settings,
      owner: data.owner,
    })
    result.generation_job = { job_id: generation.job_id, deduplicated: generation.deduplicated }
    await ctx.progress(100, 'chain', `Generation job ${generation.job_id} ${generation.deduplicated ? 'was already queued' : 'enqueued'} for module ${data.module_id}`)
  }
  return result
}

async function fanOut(job: Job<TranscriptionJobData>, data: TranscriptionJobData, ctx: ProcessorContext): Promise<void> {
  const parent = { id: String(job.id), queue: job.queueQualifiedName }
  await ctx.queues.queue('transcription').addBulk(
    data.files.map((file, index) => ({
      name: TRANSCRIBE_FILE_JOB,
      data: { ...data, files: [file] },
      opts: {
        // Fixed ids: a fan-out repeated after a crash adds nothing twice.
        jobId: `${job.id}-file-${index}`,
        parent,
        // A failed file resolves its dependency, so the module job still runs and reports every failure at once.
        ignoreDependencyOnFailure: true,
      },
    })),
  )
  await ctx.queues.recordEnqueued('transcription', data.files.length)
  await ctx.progress(5, 'fan_out', `Queued ${data.files.length} file jobs for module ${data.module_id}`, {
    files: data.files.map((file) => file.file_id),
  })
}
