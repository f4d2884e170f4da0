import { offlineCards } from './cards.js'
import { offlineConcepts } from './concepts.js'
import { loadAnalyser } from './nlp.js'
import type { CardDraft, CardRequest, Concept, ConceptRequest, LlmProvider, ProviderAnswer } from '../types.js'

const NO_USAGE = { inputTokens: 0, outputTokens: 0 }

/**
 * The default provider: deterministic, no network, no key. It reads every sentence of the
 * material with wink-nlp (sentences, parts of speech; the model loads on first use), takes terms
 * from every way authors mark them (definitions, glossary links, bold, italic, code, key points)
 * and writes one card per fact under the CARDS.md rules, whose answers are always text of the source.
 */
export class OfflineProvider implements LlmProvider {
  readonly name = 'offline'
  readonly model = 'wink-nlp'
  readonly promptVersion = '7'
  /** Calls cost nothing, and each section is read with its own heading. */
  readonly conceptBatchTokens = 0
  /** It fills the count itself, lower-ranked concept kinds last: asking again would only undo its ranking. */
  readonly topUpRounds = 0

  async extractConcepts(request: ConceptRequest, options: { signal: AbortSignal }): Promise<ProviderAnswer<Omit<Concept, 'chunk_id'>[]>> {
    options.signal.throwIfAborted()
    const concepts = offlineConcepts(request.chunk, await loadAnalyser())
    return { value: concepts, usage: NO_USAGE, calls: 1, raw: { concepts: concepts.length } }
  }

  async writeCards(request: CardRequest, options: { signal: AbortSignal }): Promise<ProviderAnswer<CardDraft[]>> {
    options.signal.throwIfAborted()
    const { cards, shortfall } = offlineCards(request)
    return { value: cards, usage: NO_USAGE, calls: 1, raw: { cards: cards.length, ...(shortfall ? { shortfall } : {}) } }
  }
}
