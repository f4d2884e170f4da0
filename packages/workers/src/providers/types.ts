import type { CardType } from '@flashcards/queue-core'
import type { Chunk } from '../pipeline/chunk.js'

export type ConceptKind = 'definition' | 'keypoint' | 'list' | 'term' | 'code' | 'fact'

/** Stage A output: something a learner should remember, stated in one chunk. */
export interface Concept {
  chunk_id: string
  term: string
  /** The fact as the source states it. */
  statement: string
  kind: ConceptKind
  /** For lists: the items, each as in the source. */
  items?: string[]
  /** A question the statement answers ("What is X called?"), when its shape gives one that reads well. */
  relation?: string
  /** The answer to `relation` in the statement's words, when it is not `term` ("What is X?" → what X is). */
  answer?: string
}

/** Stage B output before validation: a card and the chunk it claims to come from. */
export interface CardDraft {
  type: CardType
  front: string
  back: string
  chunk_id: string
  /** The kind of concept the card asks, when the provider knows it; it becomes a `kind:` tag. */
  kind?: ConceptKind
  /** Deliberately asks an earlier card's fact from the other direction (R10): no near-duplicate. */
  reverse?: boolean
}

export interface TokenUsage {
  inputTokens: number
  outputTokens: number
}

export interface ProviderAnswer<T> {
  value: T
  usage: TokenUsage
  /** Provider calls made (2 when the first answer needed a repair). */
  calls: number
  /** The provider's raw text, kept in the job log's rawOutputs. */
  raw: unknown
}

export interface ConceptRequest {
  chunk: Chunk
  language: string
}

export interface CardRequest {
  chunks: Chunk[]
  concepts: Concept[]
  targetCount: number
  cardTypes: CardType[]
  language: string
  /** Course and module titles, so cards can name their domain. */
  titles?: { course: string; module: string }
  /** Set on a top-up round: what earlier rounds kept and why their other drafts were dropped. */
  topUp?: TopUp
}

/** What a top-up round tells the provider about the rounds before it. */
export interface TopUp {
  /** Fronts of the cards already kept: their facts must not be asked again. */
  keptFronts: string[]
  /** One line per dropped draft: check id, the reason, the draft's front. */
  dropReasons: string[]
}

/**
 * An LLM backend. Implementations throw `RateLimitedError` when asked to slow down,
 * `UnrecoverableError` for auth, quota and unusable-output failures, and honour `signal`.
 *
 * A host can plug in its own through the `--config` module:
 * ```ts
 * const provider: LlmProvider = {
 *   name: 'my-llm', model: 'v1', promptVersion: '1',
 *   async extractConcepts({ chunk }, { signal }) { ... },
 *   async writeCards({ concepts, targetCount }, { signal }) { ... },
 * }
 * ```
 */
export interface LlmProvider {
  readonly name: string
  readonly model: string
  /** Part of the stage cache key: bump it when prompts or output rules change. */
  readonly promptVersion: string
  /**
   * How many tokens of consecutive chunks one stage-A call should read (0: one call per chunk).
   * Unset: the pipeline's default. A provider whose calls cost nothing and which reads each
   * section's heading (offline) says 0.
   */
  readonly conceptBatchTokens?: number
  /**
   * Top-up rounds the pipeline may ask of `writeCards` when too few drafts pass validation
   * (default MAX_TOP_UP_ROUNDS). 0 for a generator that already ranks and fills its own count.
   */
  readonly topUpRounds?: number
  extractConcepts(request: ConceptRequest, options: { signal: AbortSignal }): Promise<ProviderAnswer<Omit<Concept, 'chunk_id'>[]>>
  writeCards(request: CardRequest, options: { signal: AbortSignal }): Promise<ProviderAnswer<CardDraft[]>>
}
