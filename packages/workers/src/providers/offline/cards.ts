import type { CardType } from '@flashcards/queue-core'
import { lintCard, sameFact } from '../../pipeline/card-lint.js'
import type { CardDraft, CardRequest, Concept } from '../types.js'
import { wordIndex } from './blanks.js'

/** Which concepts make the best cards first (a noun-phrase `fact` ranks after a numeric one). */
const TIER: Record<Concept['kind'], number> = { definition: 0, keypoint: 1, term: 2, code: 3, fact: 4, list: 6 }
/** A blank that is the blank of this share of a module's concepts is its subject ("Git", "the shell"): hidden last. */
const SUBJECT_SHARE = 0.08

export interface OfflineCards {
  cards: CardDraft[]
  /** Why fewer cards than asked, when so. */
  shortfall?: string
}

/**
 * Stage B without a model: one card per concept, best kinds first and spread over the module
 * (a chunk's n-th concept of a kind comes in round n), each checked against CARDS.md C1–C11 and
 * against every card already kept for the same fact (C12). Nothing is padded: when concepts run
 * out, fewer cards come back, with the reason.
 */
export function offlineCards(request: CardRequest): OfflineCards {
  const texts = new Map(request.chunks.map((chunk) => [chunk.id, chunk.text]))
  const cards: CardDraft[] = []
  const wanted = request.targetCount
  let rejected = 0
  for (const concept of rank(request.concepts)) {
    if (cards.length >= wanted) break
    const card = cardFor(concept, request.cardTypes)
    if (!card || lintCard(card, texts.get(concept.chunk_id)).length > 0 || cards.some((kept) => sameFact(kept, card))) {
      rejected++
      continue
    }
    cards.push(card)
  }
  if (cards.length >= wanted) return { cards }
  return {
    cards,
    shortfall: `the material supports ${cards.length} distinct card(s) that pass the card rules (${request.concepts.length} candidate sentence(s), ${rejected} rejected as weak or duplicate)`,
  }
}

function tierOf(concept: Concept, subject: Set<string>): number {
  if (subject.has(key(concept.term))) return 7
  if (concept.kind === 'fact' && !/\d/.test(concept.term)) return 5
  return TIER[concept.kind]
}

function rank(concepts: Concept[]): Concept[] {
  const counts = new Map<string, number>()
  for (const concept of concepts) counts.set(key(concept.term), (counts.get(key(concept.term)) ?? 0) + 1)
  const subject = new Set([...counts].filter(([, count]) => count >= 3 && count >= concepts.length * SUBJECT_SHARE).map(([term]) => term))
  const chunkOrder = new Map<string, number>()
  const rounds = new Map<string, number>()
  const entries = concepts.map((concept, index) => {
    if (!chunkOrder.has(concept.chunk_id)) chunkOrder.set(concept.chunk_id, chunkOrder.size)
    const tier = tierOf(concept, subject)
    const roundKey = `${concept.chunk_id}|${tier}`
    const round = rounds.get(roundKey) ?? 0
    rounds.set(roundKey, round + 1)
    return { concept, tier, round, chunk: chunkOrder.get(concept.chunk_id)!, index }
  })
  entries.sort((a, b) => a.tier - b.tier || a.round - b.round || a.chunk - b.chunk || a.index - b.index)
  return entries.map((entry) => entry.concept)
}

const key = (term: string) => term.toLowerCase().replace(/`/g, '')

/** A definition with a question is asked as one; everything else is a cloze on its blank. */
function cardFor(concept: Concept, allowed: CardType[]): CardDraft | undefined {
  const chunk_id = concept.chunk_id
  const at = wordIndex(concept.statement, concept.term)
  if (at < 0) return undefined
  const before = concept.statement.slice(0, at)
  const after = concept.statement.slice(at + concept.term.length)
  const question = concept.relation
  if (question && allowed.includes('basic') && question.length <= 150) {
    // "What is X called?" is answered by the term; "What is X?" by what the sentence says X is.
    const back = question.endsWith('called?') || question.startsWith('What does') ? concept.term : predicateOf(after)
    if (back) return { type: 'basic', front: question, back, chunk_id }
  }
  if (allowed.includes('cloze')) return { type: 'cloze', front: `${before}{{c1::${concept.term}}}${after}`, back: concept.term, chunk_id }
  if (!allowed.includes('basic')) return undefined
  return { type: 'basic', front: `Fill in the blank: ${before}___${after}`, back: concept.term, chunk_id }
}

/** "is the amount earned before tax, …" → "The amount earned before tax": the first clause, at most 8 words. */
function predicateOf(after: string): string | undefined {
  const clause = after.replace(/^\s*(?:is|are)\s+/, '').split(/[,;:(]|\s[—–-]\s/)[0]!.replace(/[.!\s]+$/, '')
  const words = clause.split(/\s+/).filter(Boolean)
  if (words.length < 2 || words.length > 8) return undefined
  return clause.charAt(0).toUpperCase() + clause.slice(1)
}
