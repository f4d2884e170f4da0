import { createHash } from 'node:crypto'
import { Card, describeErrors, type CardType } from '@flashcards/queue-core'
import type { CardDraft } from '../providers/types.js'
import { isVerbatim } from './card-lint.js'
import { comparable, contentWords } from './text.js'
import type { Chunk } from './chunk.js'

export type DropReason = 'empty' | 'type' | 'unknown_chunk' | 'not_cloze' | 'ungrounded' | 'invalid' | 'duplicate' | 'over_target'

/** Each drop reason with the CARDS.md check it enforces and the one line a top-up prompt repeats. */
export const DROP_CHECKS: Record<DropReason, { check: string; line: string }> = {
  empty: { check: 'schema', line: 'front or back is empty' },
  type: { check: 'schema', line: 'a card type that was not asked for' },
  unknown_chunk: { check: 'C14', line: 'cites no chunk that was offered' },
  not_cloze: { check: 'C3', line: 'a cloze needs exactly one {{c1::…}} deletion' },
  ungrounded: { check: 'C11', line: 'the answer is not stated in the cited chunk' },
  invalid: { check: 'schema', line: 'front or back too long for the card schema' },
  duplicate: { check: 'C12', line: 'repeats the fact of a kept card' },
  over_target: { check: 'target', line: 'beyond the asked count' },
}

/** A draft that failed validation, and why. */
export interface Rejection {
  draft: CardDraft
  reason: DropReason
}

export interface FinalisedCards {
  cards: Card[]
  dropped: Partial<Record<DropReason, number>>
  /** Every dropped draft with its reason, in draft order. */
  rejected: Rejection[]
}

/** Share of an answer's content words that must appear in its chunk when it is not quoted verbatim. */
export const GROUNDING_COVERAGE = 0.7
/** Cards whose words overlap this much (Jaccard) with a kept card are near-duplicates. */
export const NEAR_DUPLICATE_SIMILARITY = 0.8
const CLOZE = /\{\{c\d+::((?:[^:{}]|:(?!:))+)(?:::[^{}]*)?\}\}/g

/**
 * True when the card's answer is in its chunk: verbatim (ignoring case and punctuation), or for
 * paraphrasing LLMs, when most of its content words are. Cloze deletions must be verbatim
 * (symbols such as `*` or `..` compared raw, since folding punctuation empties them).
 */
export function isGrounded(card: Pick<CardDraft, 'type' | 'front' | 'back'>, chunkText: string): boolean {
  const verbatim = (text: string) => isVerbatim(text, chunkText)
  if (card.type === 'cloze') {
    const deletions = [...card.front.matchAll(CLOZE)].map((match) => match[1]!)
    return deletions.length > 0 && deletions.every(verbatim)
  }
  if (verbatim(card.back)) return true
  const answerWords = contentWords(card.back)
  if (answerWords.length === 0) return false
  const sourceWords = new Set(contentWords(chunkText))
  return answerWords.filter((word) => sourceWords.has(word)).length / answerWords.length >= GROUNDING_COVERAGE
}

/**
 * The last step of the pipeline: every draft checked against the card schema and its chunk,
 * empty, ungrounded, duplicate and near-duplicate cards dropped (and counted), the rest cut to
 * the target. Card ids are stable hashes, so a re-run yields the same ids.
 */
export function finaliseCards(drafts: CardDraft[], chunks: Chunk[], options: { module_id: string; cardTypes: CardType[]; targetCount: number }): FinalisedCards {
  const chunkById = new Map(chunks.map((chunk) => [chunk.id, chunk]))
  const dropped: FinalisedCards['dropped'] = {}
  const rejected: Rejection[] = []
  const cards: Card[] = []
  const keptWords: Set<string>[] = []
  const keptFronts = new Set<string>()

  for (const draft of drafts) {
    const checked = checkDraft(draft, chunkById, options)
    let reason = 'reason' in checked ? checked.reason : undefined
    if ('card' in checked) {
      const { card } = checked
      const cardWords = new Set(contentWords(`${card.front.replace(CLOZE, '$1')} ${card.back}`))
      // A reverse card shares its pair's words by design; only the same question twice is a duplicate.
      const duplicate = draft.reverse ? keptFronts.has(comparable(card.front)) : keptWords.some((kept) => jaccard(kept, cardWords) >= NEAR_DUPLICATE_SIMILARITY)
      if (duplicate) reason = 'duplicate'
      else if (cards.length >= options.targetCount) reason = 'over_target'
      else {
        keptWords.push(cardWords)
        keptFronts.add(comparable(card.front))
        cards.push(card)
      }
    }
    if (reason) {
      dropped[reason] = (dropped[reason] ?? 0) + 1
      rejected.push({ draft, reason })
    }
  }
  return { cards, dropped, rejected }
}

/** One draft on its own (before duplicates and the target): the card it makes, or why it makes none. */
function checkDraft(draft: CardDraft, chunkById: Map<string, Chunk>, options: { module_id: string; cardTypes: CardType[] }): { card: Card } | { reason: DropReason } {
  const front = draft.front?.trim() ?? ''
  const back = draft.back?.trim() ?? ''
  if (front === '' || back === '') return { reason: 'empty' }
  if (!options.cardTypes.includes(draft.type)) return { reason: 'type' }
  const chunk = chunkById.get(draft.chunk_id)
  if (!chunk) return { reason: 'unknown_chunk' }
  if (draft.type === 'cloze' && !/\{\{c\d+::[^{}]+\}\}/.test(front)) return { reason: 'not_cloze' }
  if (!isGrounded({ type: draft.type, front, back }, chunk.text)) return { reason: 'ungrounded' }
  const card = buildCard(draft, front, back, chunk, options.module_id)
  return describeErrors(Card, card, 'card').length > 0 ? { reason: 'invalid' } : { card }
}

/** The card of a checked draft, its id a stable hash so a re-run yields the same ids, its source the chunk it cites. */
function buildCard(draft: CardDraft, front: string, back: string, chunk: Chunk, module_id: string): Card {
  const tags = [...(draft.kind ? [`kind:${draft.kind}`] : []), ...(draft.reverse ? ['reverse'] : [])]
  return {
    id: createHash('sha256').update(`${module_id}|${draft.type}|${front}`).digest('hex').slice(0, 16),
    type: draft.type,
    front,
    back,
    ...(tags.length > 0 ? { tags } : {}),
    source: {
      module_id,
      chunk_id: chunk.id,
      file: chunk.document.slice(0, 300),
      ...(chunk.heading ? { heading: chunk.heading.slice(0, 300) } : {}),
      ...(chunk.char_start !== undefined && chunk.char_end !== undefined ? { char_start: chunk.char_start, char_end: chunk.char_end } : {}),
      ...timesOf(chunk, draft.type === 'cloze' ? [...front.matchAll(CLOZE)].map((match) => match[1]!) : [back]),
    },
  }
}

/**
 * Where in the media a transcript card's answer is said: the first cue that contains it, else
 * the span of the whole chunk. Empty for chunks that are not from a transcript.
 */
function timesOf(chunk: Chunk, answers: string[]): { start_seconds?: number; end_seconds?: number } {
  if (chunk.start_seconds === undefined) return {}
  for (const block of chunk.blocks) {
    if (block.kind === 'cue' && answers.every((answer) => comparable(block.text).includes(comparable(answer)))) {
      return { start_seconds: block.start, end_seconds: block.end }
    }
  }
  return { start_seconds: chunk.start_seconds, ...(chunk.end_seconds !== undefined ? { end_seconds: chunk.end_seconds } : {}) }
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1
  let shared = 0
  for (const word of a) if (b.has(word)) shared++
  return shared / (a.size + b.size - shared)
}
