import type { Job } from 'bullmq'
import {
  CourseJobData,
  JOB_NAMES,
  ModuleJobData,
  queuePrefixFor,
  isClusterUrl,
  type CourseResult,
  type DeckStore,
  type FlashcardConfig,
  type ModuleResult,
} from '@flashcards/queue-core'
import { inlineDocument } from '../content/inline.js'
import type { ContentSource, SourceDocument } from '../content/types.js'
import { ExtractionError, type TextExtractor } from '../extract/index.js'
import { generateModuleCards } from '../pipeline/module-pipeline.js'
import { PROGRESS, report } from '../pipeline/progress-steps.js'
import { StageCache } from '../pipeline/stage-cache.js'
import type { LlmProvider } from '../providers/types.js'
import { FileFailedError, InvalidJobError } from '../errors.js'
import { jobPayload } from '../runtime/payload.js'
import type { JobProcessor, ProcessorContext } from '../runtime/types.js'

export type { CourseResult }

export type OrchestratorResult = ModuleResult | CourseResult

/** Called with every module's result before the job completes: store cards in the host's database, notify, … */
export type ResultHook = (result: ModuleResult, info: { jobId: string; data: ModuleJobData }) => Promise<void>

export interface OrchestratorProcessorOptions {
  config: Readonly<FlashcardConfig>
  contentSource: ContentSource
  provider: LlmProvider
  /** Where each module's cards become a deck revision (DECK_STORE). */
  deckStore: DeckStore
  onResult?: ResultHook
  /** Stage cache on; tests of the provider's own behaviour may turn it off. Default true. */
  cache?: boolean
  /** How inline html/vtt/srt content becomes text; the worker passes its extraction sandbox's. Default in-process. */
  extract?: TextExtractor
}

/** The orchestrator's processor: `generate-module` jobs run the pipeline, `expand-course` jobs fan out. */
export function orchestratorProcessor(options: OrchestratorProcessorOptions): JobProcessor<unknown, OrchestratorResult> {
  const prefix = queuePrefixFor(options.config.queue.prefix, isClusterUrl(options.config.redis.url))
  return async (job, context) => {
    if (job.name === JOB_NAMES.course) return expandCourse(jobPayload(CourseJobData, job), options, context)
    if (job.name === JOB_NAMES.module) return generateModule(job, jobPayload(ModuleJobData, job), options, context, prefix)
    throw new InvalidJobError(`Unknown job name ${JSON.stringify(job.name)} on the orchestrator queue (expected ${JOB_NAMES.module} or ${JOB_NAMES.course})`)
  }
}

async function expandCourse(data: CourseJobData, options: OrchestratorProcessorOptions, context: ProcessorContext): Promise<CourseResult> {
  const moduleIds = await options.contentSource.listModules(data.course_id, context.signal, data.owner.tenant)
  await report(context.progress, PROGRESS.listModules(data.course_id, moduleIds.length), { modules: moduleIds })
  const modules: CourseResult['modules'] = []
  for (const [index, module_id] of moduleIds.entries()) {
    context.signal.throwIfAborted()
    const job = await context.queues.enqueueModule({
      module_id,
      course_id: data.course_id,
      settings: data.settings,
      owner: data.owner,
      ...(data.callback_url ? { callback_url: data.callback_url } : {}),
    })
    modules.push({ module_id, job_id: job.job_id, deduplicated: job.deduplicated })
    await report(context.progress, PROGRESS.enqueueModule(index + 1, moduleIds.length, module_id, job.job_id, job.deduplicated))
  }
  return { course_id: data.course_id, modules }
}

async function generateModule(job: Job, data: ModuleJobData, options: OrchestratorProcessorOptions, context: ProcessorContext, prefix: string): Promise<ModuleResult> {
  const documents = await loadDocuments(data, options, context.signal)
  await report(context.progress, PROGRESS.loadContent(documents.length, data.content ? 'the job' : options.contentSource.name), {
    documents: documents.map((doc) => ({ name: doc.name, format: doc.content.format, chars: doc.content.text.length })),
  })
  const provider = options.provider
  const result = await generateModuleCards(
    { course_id: data.course_id, module_id: data.module_id, settings: data.settings, documents },
    {
      provider,
      ...(options.cache === false ? {} : { cache: new StageCache(context.redis, prefix, data.owner.tenant) }),
      signal: context.signal,
      progress: context.progress,
      log: context.log,
      onLlmCall: async (event) => {
        context.recordLlmCall({
          provider: provider.name,
          stage: event.stage,
          ok: event.ok,
          cached: event.cached,
          inputTokens: event.usage.inputTokens,
          outputTokens: event.usage.outputTokens,
        })
      },
    },
  )
  // Keyed by the job id: a retried or stalled re-run of this job finds its revision and writes nothing.
  const { revision, created } = await options.deckStore.writeRevision(
    { tenant: data.owner.tenant, course_id: data.course_id, module_id: data.module_id },
    { job_id: String(job.id), cards: result.cards, ...(data.content?.title ? { module_title: data.content.title } : {}) },
  )
  context.log.info('deck', `Deck revision ${revision} ${created ? 'written' : 'already written by an earlier run'}`, { revision, created })
  result.deck = { revision }
  if (options.onResult) {
    await options.onResult(result, { jobId: String(job.id), data })
    context.log.info('result_hook', 'Result hook done')
  }
  await report(context.progress, PROGRESS.done(result.cards.length, data.module_id, result.shortfall?.reason), result.shortfall ? { shortfall: result.shortfall } : undefined)
  return result
}

async function loadDocuments(data: ModuleJobData, options: OrchestratorProcessorOptions, signal: AbortSignal): Promise<SourceDocument[]> {
  try {
    if (data.content) return [await inlineDocument(data.content, options.extract, signal)]
    return await options.contentSource.loadModule({ course_id: data.course_id, module_id: data.module_id, tenant: data.owner.tenant }, signal)
  } catch (err) {
    // A corrupt or unsupported file stays so on the next attempt.
    if (err instanceof ExtractionError) throw new FileFailedError(`Module ${data.module_id}: ${err.message}`, { cause: err })
    throw err
  }
}
