import type { FlashcardConfig, JobLogStore, ModuleResult } from '@flashcards/queue-core'
import { FilesystemContentSource } from '../content/filesystem.js'
import type { ContentSource } from '../content/types.js'
import { createProvider } from '../providers/select.js'
import type { LlmProvider } from '../providers/types.js'
import type { Logger } from '../runtime/logger.js'
import { startQueueWorker } from '../runtime/queue-worker.js'
import type { QueueWorker, QueueWorkerOptions } from '../runtime/types.js'
import { orchestratorProcessor, type OrchestratorResult, type ResultHook } from './processor.js'

export interface OrchestratorWorkerOptions {
  config: Readonly<FlashcardConfig>
  logger: Logger
  /** Default: the filesystem source on CONTENT_DIR. */
  contentSource?: ContentSource
  /** Default: the provider LLM_PROVIDER selects. */
  provider?: LlmProvider
  onResult?: ResultHook
  jobLogStore?: JobLogStore
  /** Stage cache in Redis; default on. */
  cache?: boolean
  tuning?: QueueWorkerOptions<unknown, OrchestratorResult>['tuning']
}

/**
 * Starts the orchestrator worker: it generates the cards of `generate-module` jobs and expands
 * `expand-course` jobs into one module job per module.
 *
 * ```ts
 * const config = loadConfig()
 * const worker = await startOrchestratorWorker({ config, logger: createLogger({ name: 'orchestrator', debug: config.debug }) })
 * process.on('SIGTERM', () => worker.close())
 * ```
 */
export async function startOrchestratorWorker(options: OrchestratorWorkerOptions): Promise<QueueWorker> {
  const provider = options.provider ?? createProvider(options.config.llm)
  const contentSource = options.contentSource ?? new FilesystemContentSource(options.config.contentDir)
  options.logger.info({ provider: provider.name, model: provider.model, contentSource: contentSource.name }, 'orchestrator configured')
  return startQueueWorker<unknown, OrchestratorResult>({
    queue: 'orchestrator',
    config: options.config,
    logger: options.logger,
    processor: orchestratorProcessor({
      config: options.config,
      contentSource,
      provider,
      ...(options.onResult ? { onResult: options.onResult } : {}),
      ...(options.cache === undefined ? {} : { cache: options.cache }),
    }),
    countCards: (result) => ((result as ModuleResult).cards ? (result as ModuleResult).cards.length : 0),
    ...(options.jobLogStore ? { jobLogStore: options.jobLogStore } : {}),
    ...(options.tuning ? { tuning: options.tuning } : {}),
  })
}
