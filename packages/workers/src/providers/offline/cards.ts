import type { CardType } from '@flashcards/queue-core'
import type { CardDraft, CardRequest, Concept } from '../types.js'
import { QUANTITY } from './concepts.js'
import { capitalise, contentWords, stripEndPunctuation, words } from './text.js'

/** Which concepts make the best cards first. */
const PRIORITY: Record<Concept['kind'], number> = { definition: 0, keypoint: 1, term: 2, list: 3, code: 4, fact: 5 }

/**
 * Stage B without a model: one card per concept in order of value, spread over the chunks
 * (round robin) so a short target still covers the module, then a second card type for the
 * best concepts while the target is not reached. Answers are always text of the chunk.
 */
export function offlineCards(request: CardRequest): CardDraft[] {
  const byChunk = new Map<string, Concept[]>()
  for (const concept of request.concepts) {
    const list = byChunk.get(concept.chunk_id) ?? []
    list.push(concept)
    byChunk.set(concept.chunk_id, list)
  }
  for (const list of byChunk.values()) list.sort((a, b) => PRIORITY[a.kind] - PRIORITY[b.kind])
  const ordered = roundRobin([...byChunk.values()])

  const cards: CardDraft[] = []
  const fronts = new Set<string>()
  const add = (card: CardDraft | undefined) => {
    if (!card || fronts.has(card.front)) return
    fronts.add(card.front)
    cards.push(card)
  }
  // A few spare cards: validation may still drop near-duplicates.
  const wanted = request.targetCount + Math.ceil(request.targetCount / 4)
  for (const concept of ordered) {
    if (cards.length >= wanted) break
    add(cardFor(concept, naturalType(concept, request.cardTypes)))
  }
  for (const concept of ordered) {
    if (cards.length >= wanted) break
    const other = request.cardTypes.find((type) => type !== naturalType(concept, request.cardTypes))
    if (other) add(cardFor(concept, other))
  }
  return cards
}

function roundRobin<T>(lists: T[][]): T[] {
  const out: T[] = []
  for (let i = 0; lists.some((list) => i < list.length); i++) {
    for (const list of lists) if (i < list.length) out.push(list[i]!)
  }
  return out
}

function naturalType(concept: Concept, allowed: CardType[]): CardType {
  const natural: CardType = concept.kind === 'keypoint' || concept.kind === 'term' || concept.kind === 'fact' ? 'cloze' : 'basic'
  return allowed.includes(natural) ? natural : allowed[0]!
}

function cardFor(concept: Concept, type: CardType): CardDraft | undefined {
  const chunk_id = concept.chunk_id
  switch (concept.kind) {
    case 'definition': {
      const subject = stripEndPunctuation(concept.term)
      if (type === 'basic') {
        const question =
          concept.relation === 'are'
            ? `What are ${lowerFirst(subject)}?`
            : concept.relation === 'is' || concept.relation === undefined
              ? `What is ${lowerFirst(subject)}?`
              : `What does ${lowerFirst(subject)} ${concept.relation === 'refers to' ? 'refer to' : concept.relation.replace(/s\b/, '')}?`
        return { type, front: question, back: capitalise(concept.statement), chunk_id }
      }
      const relation = concept.relation ?? '—'
      return { type, front: `{{c1::${capitalise(subject)}}} ${relation} ${concept.statement}.`, back: capitalise(subject), chunk_id }
    }
    case 'keypoint':
    case 'term':
    case 'fact':
      return clozeOrBlank(concept, type)
    case 'list': {
      const items = concept.items ?? []
      const front = `${capitalise(concept.term)}: what are the ${items.length} points listed?`
      if (type === 'basic') return { type, front, back: items.join('; '), chunk_id }
      const [hidden, ...rest] = items
      if (!hidden || rest.length === 0) return undefined
      return { type, front: `${capitalise(concept.term)}: {{c1::${hidden}}}; ${rest.join('; ')}`, back: hidden, chunk_id }
    }
    case 'code':
      if (type !== 'basic') return undefined
      return { type, front: `What does the lesson show for: "${concept.term}"?`, back: concept.statement, chunk_id }
  }
}

/** Hides the key words of a statement: the concept's own term, else its most telling words. */
function clozeOrBlank(concept: Concept, type: CardType): CardDraft | undefined {
  const statement = stripEndPunctuation(concept.statement)
  const hidden = concept.kind !== 'keypoint' && statement.includes(concept.term) ? concept.term : keyPhrase(statement)
  if (!hidden) return undefined
  const at = statement.indexOf(hidden)
  const before = statement.slice(0, at)
  const after = statement.slice(at + hidden.length)
  if (type === 'cloze') return { type, front: `${before}{{c1::${hidden}}}${after}.`, back: hidden, chunk_id: concept.chunk_id }
  return { type, front: `Fill in the blank: ${before}_____${after}.`, back: hidden, chunk_id: concept.chunk_id }
}

/** A number with its unit, else a capitalised name, else the longest uncommon word. */
function keyPhrase(statement: string): string | undefined {
  const quantity = QUANTITY.exec(statement) ?? /\b\d[\d,.:]*\b/.exec(statement)
  if (quantity) return quantity[0].trim()
  const name = /(?<!^)(?<![.!?]\s)\b[A-Z][\w-]+(?:\s+[A-Z][\w-]+)*/.exec(statement)
  if (name && words(name[0]).length <= 4) return name[0]
  const candidates = contentWords(statement).filter((word) => word.length >= 6)
  const longest = candidates.sort((a, b) => b.length - a.length)[0]
  if (!longest) return undefined
  const match = new RegExp(`\\b${longest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i').exec(statement)
  return match?.[0]
}

function lowerFirst(text: string): string {
  // Keep acronyms and proper names ("HR", "Slack") as written.
  return /^[A-Z](?:[a-z]|\s)/.test(text) && !/^[A-Z][a-z]*\s+[A-Z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text
}
