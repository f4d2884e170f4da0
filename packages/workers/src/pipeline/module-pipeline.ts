import type { ModuleResult, ResolvedSettings } from '@flashcards/queue-core'
import { NoCardsError } from '../errors.js'
import type { JobLogRecorder } from '../runtime/job-log-recorder.js'
import type { SourceDocument } from '../content/types.js'
import type { LlmProvider } from '../providers/types.js'
import { writeModuleCards, type CardRounds } from './card-rounds.js'
import { chunkDocuments, DEFAULT_CHUNK_TOKENS } from './chunk.js'
import { conceptBatches } from './concept-batches.js'
import { normaliseDocument, type NormalisedDocument } from './normalise.js'
import { PROGRESS, report, type ProgressFn } from './progress-steps.js'
import { dropCounts, dropSummary, shortfallOf } from './shortfall.js'
import { extractModuleConcepts } from './stage-a.js'
import type { StageCache } from './stage-cache.js'
import { StageRunner, type LlmCallEvent } from './stage-runner.js'

export interface PipelineInput {
  course_id: string
  module_id: string
  settings: ResolvedSettings
  documents: SourceDocument[]
}

export interface PipelineDeps {
  provider: LlmProvider
  /** Stage cache; without one every run calls the provider. */
  cache?: StageCache
  signal: AbortSignal
  progress: ProgressFn
  log: JobLogRecorder
  onLlmCall?: (event: LlmCallEvent) => Promise<void>
  chunkTokens?: number
  /**
   * Consecutive chunks of a document are sent to stage A together up to this many tokens (0: one
   * call per chunk). Default: the provider's own `conceptBatchTokens`, else {@link DEFAULT_CONCEPT_BATCH_TOKENS}.
   */
  conceptBatchTokens?: number
  /** Stage-A calls made at the same time. */
  stageAConcurrency?: number
}

export const DEFAULT_STAGE_A_CONCURRENCY = 4
/**
 * Stage-A input per call: a few short sections at once. Small next to any current model's context,
 * and at most MAX_CONCEPTS_PER_CHUNK concepts come back per call, so a module still yields several
 * times the concepts its cards need.
 */
export const DEFAULT_CONCEPT_BATCH_TOKENS = 1_500

/**
 * One module from documents to cards: normalise → chunk → stage A (key concepts per chunk, in
 * parallel, bounded) → stage B and top-up rounds (cards for the target) → validate, deduplicate,
 * ground. A module short of its target reports a `shortfall`; one with no card at all fails.
 */
export async function generateModuleCards(input: PipelineInput, deps: PipelineDeps): Promise<ModuleResult> {
  const started = Date.now()
  const { provider, signal, log } = deps
  const runner = new StageRunner(provider, deps.cache, deps.onLlmCall)
  const asked = input.settings.target_card_count

  const normalised = input.documents.map(normaliseDocument)
  await report(deps.progress, PROGRESS.normalise(normalised.length), { documents: normalised.map((doc) => doc.name) })
  const chunks = chunkDocuments(normalised, deps.chunkTokens ?? DEFAULT_CHUNK_TOKENS)
  if (chunks.length === 0) {
    throw new NoCardsError(`Module ${input.module_id} has no text to make cards from (documents: ${input.documents.map((doc) => doc.name).join(', ')})`)
  }
  const batchTokens = deps.conceptBatchTokens ?? provider.conceptBatchTokens ?? DEFAULT_CONCEPT_BATCH_TOKENS
  const batches = conceptBatches(chunks, batchTokens)
  const tokens = chunks.reduce((sum, chunk) => sum + chunk.tokens, 0)
  await report(deps.progress, PROGRESS.chunk(chunks.length, batches.length), { chunks: chunks.length, batches: batches.length, tokens })

  const stageA = await extractModuleConcepts(batches, {
    provider,
    runner,
    language: input.settings.language,
    concurrency: deps.stageAConcurrency ?? DEFAULT_STAGE_A_CONCURRENCY,
    signal,
    progress: deps.progress,
  })
  log.raw('stageA', stageA)
  const concepts = stageA.flatMap((entry) => entry.concepts)

  const titles = { course: input.course_id, module: moduleTitle(normalised) ?? input.module_id }
  const written = await writeModuleCards(concepts, { provider, runner, module_id: input.module_id, settings: input.settings, titles, chunks, signal, progress: deps.progress, log })
  const dropped = dropCounts(written.rejected)
  await report(deps.progress, PROGRESS.validate(written.cards.length, written.drafts), { cards: written.cards.length, dropped })
  const shortfall = shortfallOf(asked, written.cards.length, written.rejected, concepts.length)
  if (shortfall) log.warn('validate', `Only ${shortfall.produced} card(s) for a target of ${asked}: ${shortfall.reason}`, { shortfall })
  if (written.cards.length === 0)
    throw new NoCardsError(`Module ${input.module_id}: no card passed validation (asked ${asked}); ${dropSummary(written.rejected, concepts.length).why}`)

  return {
    module_id: input.module_id,
    course_id: input.course_id,
    cards: written.cards,
    stats: { documents: input.documents.length, chunks: chunks.length, concepts: concepts.length, ...roundStats(written, dropped), ...runStats(provider, runner, started) },
    ...(shortfall ? { shortfall } : {}),
  }
}

function roundStats(written: CardRounds, dropped: Record<string, number>): Record<string, unknown> {
  return { drafts: written.drafts, cards: written.cards.length, dropped, repaired_chunk_ids: written.repairedChunkIds, card_rounds: written.rounds }
}

function runStats(provider: LlmProvider, { totals }: StageRunner, started: number): Record<string, unknown> {
  return {
    provider: provider.name,
    model: provider.model,
    llm_calls: totals.calls,
    cached_stages: totals.cached,
    input_tokens: totals.inputTokens,
    output_tokens: totals.outputTokens,
    duration_ms: Date.now() - started,
  }
}

/** The module's title for domain cues: a document's title, else the first document's top heading. */
function moduleTitle(documents: NormalisedDocument[]): string | undefined {
  return documents.find((doc) => doc.title)?.title ?? documents[0]?.sections.find((section) => section.path.length > 0)?.path[0]
}
