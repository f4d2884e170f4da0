import type { ModuleResult, ResolvedSettings } from '@flashcards/queue-core'
import { UnrecoverableError } from '../runtime/errors.js'
import type { JobLogRecorder } from '../runtime/job-log-recorder.js'
import type { SourceDocument } from '../content/types.js'
import type { CardDraft, Concept, LlmProvider, ProviderAnswer, TokenUsage } from '../providers/types.js'
import { chunkDocuments, DEFAULT_CHUNK_TOKENS, type Chunk } from './chunk.js'
import { conceptBatches, sourceChunk } from './concept-batches.js'
import { mapLimit } from './map-limit.js'
import { normaliseDocument } from './normalise.js'
import { hashOf, type StageCache, type StageCacheKey } from './stage-cache.js'
import { finaliseCards } from './validate.js'

export type Stage = 'stageA' | 'stageB'

/** One provider call (or cache hit), for metrics. */
export interface LlmCallEvent {
  stage: Stage
  ok: boolean
  cached: boolean
  usage: TokenUsage
}

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
  progress: (percent: number, step: string, message: string, data?: Record<string, unknown>) => Promise<void>
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
 * parallel, bounded) → stage B (cards for the target) → validate, deduplicate, ground. Progress
 * and a log entry at every step; raw stage outputs kept for the job log.
 */
export async function generateModuleCards(input: PipelineInput, deps: PipelineDeps): Promise<ModuleResult> {
  const started = Date.now()
  const { provider, signal, log } = deps
  const totals = { calls: 0, cached: 0, inputTokens: 0, outputTokens: 0 }

  const normalised = input.documents.map(normaliseDocument)
  await deps.progress(10, 'normalise', `Normalised ${normalised.length} document(s)`, { documents: normalised.map((doc) => doc.name) })
  const chunks = chunkDocuments(normalised, deps.chunkTokens ?? DEFAULT_CHUNK_TOKENS)
  if (chunks.length === 0) {
    throw new UnrecoverableError(`Module ${input.module_id} has no text to make cards from (documents: ${input.documents.map((doc) => doc.name).join(', ')})`)
  }
  const batchTokens = deps.conceptBatchTokens ?? (provider.conceptBatchTokens ?? DEFAULT_CONCEPT_BATCH_TOKENS)
  const batches = conceptBatches(chunks, batchTokens)
  await deps.progress(15, 'chunk', `Split into ${chunks.length} chunk(s), read in ${batches.length} stage-A call(s)`, {
    chunks: chunks.length,
    batches: batches.length,
    tokens: chunks.reduce((sum, chunk) => sum + chunk.tokens, 0),
  })

  const cached = async <T>(key: Omit<StageCacheKey, 'provider' | 'model' | 'promptVersion'>, call: () => Promise<ProviderAnswer<T>>) => {
    const fullKey: StageCacheKey = { ...key, provider: provider.name, model: provider.model, promptVersion: provider.promptVersion }
    const hit = deps.cache ? await deps.cache.get<{ value: T; raw: unknown }>(fullKey) : undefined
    if (hit) {
      totals.cached++
      await deps.onLlmCall?.({ stage: key.stage, ok: true, cached: true, usage: { inputTokens: 0, outputTokens: 0 } })
      return { value: hit.value, raw: hit.raw, cached: true }
    }
    let answer: ProviderAnswer<T>
    try {
      answer = await call()
    } catch (err) {
      await deps.onLlmCall?.({ stage: key.stage, ok: false, cached: false, usage: { inputTokens: 0, outputTokens: 0 } })
      throw err
    }
    totals.calls += answer.calls
    totals.inputTokens += answer.usage.inputTokens
    totals.outputTokens += answer.usage.outputTokens
    await deps.onLlmCall?.({ stage: key.stage, ok: true, cached: false, usage: answer.usage })
    await deps.cache?.set(fullKey, { value: answer.value, raw: answer.raw })
    return { value: answer.value, raw: answer.raw, cached: false, usage: answer.usage, calls: answer.calls }
  }

  let done = 0
  const stageA = await mapLimit(batches, deps.stageAConcurrency ?? DEFAULT_STAGE_A_CONCURRENCY, async (batch) => {
    signal.throwIfAborted()
    const chunk = batch.view
    const answer = await cached({ stage: 'stageA', contentHash: chunk.hash }, () =>
      provider.extractConcepts({ chunk, language: input.settings.language }, { signal }),
    )
    const concepts: Concept[] = answer.value.map((concept) => ({ ...concept, chunk_id: sourceChunk(batch, concept).id }))
    done++
    await deps.progress(15 + Math.round((45 * done) / batches.length), 'stage_a', `Key concepts of ${chunk.id}: ${concepts.length}`, {
      chunk_id: chunk.id,
      ...(batch.chunks.length > 1 ? { chunks: batch.chunks.map((member) => member.id) } : {}),
      concepts: concepts.length,
      cached: answer.cached,
      ...(answer.usage ? { input_tokens: answer.usage.inputTokens, output_tokens: answer.usage.outputTokens } : {}),
    })
    return { chunk_id: chunk.id, concepts, raw: answer.raw }
  })
  log.raw('stageA', stageA)
  const concepts = stageA.flatMap((entry) => entry.concepts)

  signal.throwIfAborted()
  const stageB = await cached(
    { stage: 'stageB', contentHash: hashOf({ concepts, chunks: chunks.map((chunk) => chunk.hash), settings: input.settings }) },
    () =>
      provider.writeCards(
        { chunks: chunksWithConcepts(chunks, concepts), concepts, targetCount: input.settings.target_card_count, cardTypes: input.settings.card_types, language: input.settings.language },
        { signal },
      ),
  )
  const drafts: CardDraft[] = stageB.value
  log.raw('stageB', { drafts, raw: stageB.raw })
  await deps.progress(85, 'stage_b', `Card drafts: ${drafts.length}`, {
    drafts: drafts.length,
    cached: stageB.cached,
    ...(stageB.usage ? { input_tokens: stageB.usage.inputTokens, output_tokens: stageB.usage.outputTokens } : {}),
  })

  const { cards, dropped } = finaliseCards(drafts, chunks, {
    module_id: input.module_id,
    cardTypes: input.settings.card_types,
    targetCount: input.settings.target_card_count,
  })
  await deps.progress(95, 'validate', `Kept ${cards.length} card(s) of ${drafts.length}`, { cards: cards.length, dropped })
  if (cards.length < input.settings.target_card_count) {
    log.warn('validate', `Only ${cards.length} card(s) for a target of ${input.settings.target_card_count}: the content supports no more distinct, grounded cards`)
  }

  return {
    module_id: input.module_id,
    course_id: input.course_id,
    cards,
    stats: {
      documents: input.documents.length,
      chunks: chunks.length,
      concepts: concepts.length,
      drafts: drafts.length,
      cards: cards.length,
      dropped,
      provider: provider.name,
      model: provider.model,
      llm_calls: totals.calls,
      cached_stages: totals.cached,
      input_tokens: totals.inputTokens,
      output_tokens: totals.outputTokens,
      duration_ms: Date.now() - started,
    },
  }
}

function chunksWithConcepts(chunks: Chunk[], concepts: Concept[]): Chunk[] {
  const ids = new Set(concepts.map((concept) => concept.chunk_id))
  return chunks.filter((chunk) => ids.has(chunk.id))
}
