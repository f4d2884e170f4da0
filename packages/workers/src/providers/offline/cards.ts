import type { CardType } from '@flashcards/queue-core'
import type { CardDraft, CardRequest, Concept } from '../types.js'
import { isSummary } from './callouts.js'
import { baseVerb, QUANTITY } from './definitions.js'
import { contentWords, looksLikeCode, STOP_WORDS, stripEndPunctuation, words } from '../../pipeline/text.js'

/** Which concepts make the best cards first. */
const PRIORITY: Record<Concept['kind'], number> = { definition: 0, keypoint: 1, term: 2, fact: 3, list: 4, code: 5 }
/** Kinds that make weaker cards when many: a deck of command drills or lists is not a lesson. */
const CAPPED: Partial<Record<Concept['kind'], number>> = { code: 0.2, list: 0.2 }

/**
 * Stage B without a model: the best concept of every chunk first (so a short target still covers
 * the module), then the second best, and so on; key points count double since the author chose
 * them. Commands and lists are capped at a fifth of the target each. A second card type is added
 * for the best concepts while the target is not reached. Answers are always text of the chunk.
 */
export function offlineCards(request: CardRequest): CardDraft[] {
  const summaries = new Set(request.chunks.filter(isSummary).map((chunk) => chunk.id))
  const ordered = rankConcepts(request.concepts, summaries)
  const cards: CardDraft[] = []
  const fronts = new Set<string>()
  const used: Partial<Record<Concept['kind'], number>> = {}
  const add = (concept: Concept, card: CardDraft | undefined) => {
    if (!card || fronts.has(card.front)) return
    const cap = CAPPED[concept.kind]
    if (cap !== undefined && (used[concept.kind] ?? 0) >= Math.max(1, Math.floor(request.targetCount * cap))) return
    used[concept.kind] = (used[concept.kind] ?? 0) + 1
    fronts.add(card.front)
    cards.push(card)
  }
  // A few spare cards: validation may still drop near-duplicates.
  const wanted = request.targetCount + Math.ceil(request.targetCount / 4)
  for (const concept of ordered) {
    if (cards.length >= wanted) break
    add(concept, cardFor(concept, naturalType(concept, request.cardTypes)))
  }
  for (const concept of ordered) {
    if (cards.length >= wanted) break
    const other = request.cardTypes.find((type) => type !== naturalType(concept, request.cardTypes))
    if (other) add(concept, cardFor(concept, other))
  }
  return cards
}

/** Round by round over the chunks (a chunk's n-th best concept is in round n), best kinds first in a round. */
function rankConcepts(concepts: Concept[], summaries: Set<string>): Concept[] {
  const byChunk = new Map<string, Concept[]>()
  for (const concept of concepts) {
    const list = byChunk.get(concept.chunk_id) ?? []
    list.push(concept)
    byChunk.set(concept.chunk_id, list)
  }
  const ranked: { concept: Concept; round: number; chunk: number; index: number }[] = []
  ;[...byChunk.values()].forEach((list, chunk) => {
    const summary = summaries.has(list[0]!.chunk_id)
    const sorted = list.map((concept, index) => ({ concept, index })).sort((a, b) => PRIORITY[a.concept.kind] - PRIORITY[b.concept.kind] || a.index - b.index)
    sorted.forEach(({ concept, index }, position) => ranked.push({ concept, round: summary ? Math.floor(position / 2) : position, chunk, index }))
  })
  ranked.sort((a, b) => a.round - b.round || PRIORITY[a.concept.kind] - PRIORITY[b.concept.kind] || a.chunk - b.chunk || a.index - b.index)
  return ranked.map((entry) => entry.concept)
}

function naturalType(concept: Concept, allowed: CardType[]): CardType {
  const natural: CardType = concept.kind === 'keypoint' || concept.kind === 'term' || concept.kind === 'fact' ? 'cloze' : 'basic'
  return allowed.includes(natural) ? natural : allowed[0]!
}

function cardFor(concept: Concept, type: CardType): CardDraft | undefined {
  const chunk_id = concept.chunk_id
  switch (concept.kind) {
    case 'definition': {
      const subject = stripEndPunctuation(concept.term) || concept.term
      const relation = concept.relation ?? 'is'
      if (type === 'basic') return { type, front: definitionQuestion(subject, relation), back: answerCase(concept.statement), chunk_id }
      return { type, front: `{{c1::${sentenceCase(subject)}}} ${relation} ${concept.statement}.`, back: sentenceCase(subject), chunk_id }
    }
    case 'keypoint':
    case 'term':
    case 'fact':
      return clozeOrBlank(concept, type)
    case 'list': {
      const items = concept.items ?? []
      const intro = sentenceCase(concept.term)
      if (type === 'basic') return { type, front: `${intro} … (name all ${items.length})`, back: items.join('; '), chunk_id }
      const [hidden, ...rest] = items
      if (!hidden || rest.length === 0) return undefined
      return { type, front: `${intro}: {{c1::${hidden}}}; ${rest.join('; ')}`, back: hidden, chunk_id }
    }
    case 'code':
      if (type !== 'basic') return undefined
      return { type, front: `Which command would you run to ${concept.term}?`, back: concept.statement, chunk_id }
  }
}

/** "What is a shell?", "What are loops?", "What does wc count?", "What does $@ refer to?" */
function definitionQuestion(subject: string, relation: string): string {
  const asked = lowerFirst(subject)
  if (relation === 'is') return `What is ${asked}?`
  if (relation === 'are') return `What are ${asked}?`
  const [verb, ...rest] = relation.split(' ')
  return `What does ${asked} ${[baseVerb(verb!), ...rest].join(' ')}?`
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

/**
 * A number with its unit, else a capitalised name or a piece of code inside the sentence, else
 * its longest telling word, preferring nouns (after an article or preposition) to adjectives and verbs.
 */
function keyPhrase(statement: string): string | undefined {
  const quantity = QUANTITY.exec(statement) ?? /(?<![$\w-])\d[\d,.:]*(?:st|nd|rd|th)?\b/.exec(statement)
  if (quantity) return quantity[0].trim()
  const name = /(?<!^)(?<![.!?]\s)\b[A-Z][\w-]+(?:\s+[A-Z][\w-]+)*/.exec(statement)
  if (name && words(name[0]).length <= 4) return name[0]
  const code = /(?<=\s)(?:\$\{?\w+\}?|-{1,2}[a-z][\w-]*|[\w.-]*[*?][\w.*?-]*)(?=[\s,;)]|\.?$)/.exec(statement)
  if (code) return code[0]
  const tokens = statement.split(/\s+/)
  let best: { word: string; noun: boolean } | undefined
  tokens.forEach((token, i) => {
    const word = token.replace(/^\P{L}+|(?<!\P{L})\P{L}+$/gu, '')
    if (word.length < 6 || STOP_WORDS.has(word.toLowerCase()) || VAGUE_WORDS.test(word)) return
    const noun = NOUN_BEFORE.test(tokens[i - 1] ?? '')
    if (!best || (noun && !best.noun) || (noun === best.noun && word.length > best.word.length)) best = { word, noun }
  })
  return best?.word
}

/** Words that come before a noun: "a variable", "in filenames", "their inputs". */
const NOUN_BEFORE = /^(a|an|the|its|their|his|her|your|our|of|in|on|to|for|with|by|from|and|or|any|each|every|some|no|new|other)$/i
/** Adverbs and judging adjectives tell nothing to recall. */
const VAGUE_WORDS = /^(\w+ly|significant|important|different|several|possible|available|particular|specific|general|certain|various|another|following|previous|example|something|anything|everything)$/i

/** Capitalises prose, never code: "a shell" → "A shell", but `wc` stays `wc`. */
function sentenceCase(text: string): string {
  return looksLikeCode(text.split(/\s+/)[0] ?? '') ? text : text.charAt(0).toUpperCase() + text.slice(1)
}

/** An answer starts with a capital when it starts with an ordinary word ("A program …", "Paid time off …"), not with code ("ls -F …"). */
function answerCase(text: string): string {
  const first = text.split(/\s+/)[0] ?? ''
  return STOP_WORDS.has(first.toLowerCase()) || /^[a-z]{4,}[,]?$/.test(first) ? text.charAt(0).toUpperCase() + text.slice(1) : text
}

function lowerFirst(text: string): string {
  // Keep acronyms and proper names ("HR", "Slack") as written.
  return /^[A-Z](?:[a-z]|\s)/.test(text) && !/^[A-Z][a-z]*\s+[A-Z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text
}
