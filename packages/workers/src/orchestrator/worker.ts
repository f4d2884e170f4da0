import { closeRedis, createDeckStore, type DeckStore, type FlashcardConfig, type JobLogStore, type ModuleResult } from '@flashcards/queue-core'
import { FilesystemContentSource } from '../content/filesystem.js'
import { ExtractionSandbox, type SandboxSettings } from '../extract/sandbox/index.js'
import { isUnrecoverable } from '../errors.js'
import type { ContentSource } from '../content/types.js'
import { createProvider } from '../providers/select.js'
import type { LlmProvider } from '../providers/types.js'
import type { Logger } from '../runtime/logger.js'
import { startQueueWorker } from '../runtime/queue-worker.js'
import { watchedRedis } from '../runtime/connections.js'
import { createOutageLog } from '../runtime/outage-log.js'
import type { QueueWorker, QueueWorkerOptions } from '../runtime/types.js'
import { startWebhooks, type Webhooks } from '../webhooks/index.js'
import { orchestratorProcessor, type OrchestratorResult, type ResultHook } from './processor.js'

export interface OrchestratorWorkerOptions {
  config: Readonly<FlashcardConfig>
  logger: Logger
  /** Default: the filesystem source on CONTENT_DIR. */
  contentSource?: ContentSource
  /** Default: the provider LLM_PROVIDER selects. */
  provider?: LlmProvider
  onResult?: ResultHook
  /** Default: the store DECK_STORE selects (closed with the worker; a given one is not). */
  deckStore?: DeckStore
  /** First webhook retry delay; tests shorten it. */
  webhookBackoffMs?: number
  jobLogStore?: JobLogStore
  /** Overrides of the extraction sandbox's limits; the rest come from `config.extract`. */
  sandbox?: Partial<SandboxSettings>
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
 * const worker = await startOrchestratorWorker({ config, logger: createLogger({ name: 'orchestrator', debug: config.logs.debug }) })
 * process.on('SIGTERM', () => worker.close())
 * ```
 */
export async function startOrchestratorWorker(options: OrchestratorWorkerOptions): Promise<QueueWorker> {
  const provider = options.provider ?? createProvider(options.config.llm)
  // Files and inline content are read in worker threads with heap and time limits.
  const sandbox = new ExtractionSandbox({ ...options.config.extract, ...options.sandbox })
  const extract = sandbox.extractText.bind(sandbox)
  const contentSource = options.contentSource ?? new FilesystemContentSource(options.config.worker.contentDir, { extract })
  // A Redis deck store gets a connection whose errors go to the outage log, like every other.
  const deckRedis =
    options.deckStore || options.config.decks.store !== 'redis'
      ? undefined
      : watchedRedis(options.config, 'flashcard-decks', createOutageLog(options.logger, 'redis unavailable for decks'))
  const deckStore = options.deckStore ?? (await createDeckStore(options.config, { role: 'worker', ...(deckRedis ? { redis: deckRedis } : {}) }))
  const webhooks = await startWebhooks({
    config: options.config,
    logger: options.logger,
    deckStore,
    ...(options.webhookBackoffMs ? { backoffMs: options.webhookBackoffMs } : {}),
  })
  options.logger.info({ provider: provider.name, model: provider.model, contentSource: contentSource.name, deckStore: options.config.decks.store }, 'orchestrator configured')
  const handle = await startQueueWorker<unknown, OrchestratorResult>({
    queue: 'orchestrator',
    config: options.config,
    logger: options.logger,
    processor: orchestratorProcessor({
      config: options.config,
      contentSource,
      provider,
      deckStore,
      extract,
      ...(options.onResult ? { onResult: options.onResult } : {}),
      ...(options.cache === undefined ? {} : { cache: options.cache }),
    }),
    countCards: (result) => ((result as ModuleResult).cards ? (result as ModuleResult).cards.length : 0),
    ...(options.jobLogStore ? { jobLogStore: options.jobLogStore } : {}),
    ...(options.tuning ? { tuning: options.tuning } : {}),
  })
  announceOutcomes(handle, webhooks, options.logger)
  return {
    ...handle,
    close: async () => {
      await handle.close()
      await sandbox.close()
      await webhooks.close()
      if (!options.deckStore) await deckStore.close()
      if (deckRedis) await closeRedis(deckRedis)
    },
  }
}

/** Completed jobs and jobs that failed for good (no attempt left, or unrecoverable) are announced. */
function announceOutcomes(handle: QueueWorker, webhooks: Webhooks, logger: Logger): void {
  const report = (err: Error) => logger.warn({ err: err.message }, 'could not queue a webhook')
  handle.worker.on('completed', (job) => {
    webhooks.announce(job, 'job.completed').catch(report)
  })
  handle.worker.on('failed', (job, err) => {
    if (!job) return
    const final = isUnrecoverable(err) || job.attemptsMade >= (job.opts.attempts ?? 1)
    if (final) webhooks.announce(job, 'job.failed', err.message).catch(report)
  })
}
