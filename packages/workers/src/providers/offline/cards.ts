import type { CardType } from '@flashcards/queue-core'
import { MAX_ANSWER_WORDS, isWeakBlank, leaksStem, lintCard, questionOf, sameFact, stem } from '../../pipeline/card-lint.js'
import { STOP_WORDS, comparable, contentWords, words } from '../../pipeline/text.js'
import type { Chunk } from '../../pipeline/chunk.js'
import type { CardDraft, CardRequest, Concept } from '../types.js'
import { COMMAND_QUESTION, commandPartQuestion } from './commands.js'
import { containsWord, termAt, wordIndex } from './blanks.js'
import { isQuantity, isSpelledCount } from './quantities.js'

/** Which concepts make the best cards first (a noun-phrase `fact` ranks after a numeric one). */
const TIER: Record<Concept['kind'], number> = { definition: 0, keypoint: 1, term: 2, code: 3, fact: 4, list: 6 }
const SUBJECT_TIER = 7
/** A blank that is the blank of this share of a module's concepts is its subject ("Git", "the shell"): hidden last. */
const SUBJECT_SHARE = 0.08

export interface OfflineCards {
  cards: CardDraft[]
  /** Why fewer cards than asked, when so. */
  shortfall?: string
}

/**
 * Stage B without a model: one card per concept, best kinds first and spread over the module
 * (a chunk's n-th concept of a kind comes in round n), never hiding the module's subject, each checked against CARDS.md C1–C11 and
 * against every card already kept for the same fact (C12). Nothing is padded: when concepts run
 * out, fewer cards come back, with the reason.
 */
export function offlineCards(request: CardRequest): OfflineCards {
  const texts = new Map(request.chunks.map((chunk) => [chunk.id, chunk.text]))
  const cards: CardDraft[] = []
  const wanted = request.targetCount
  let rejected = 0
  const known = [...new Set([...moduleTerms(request.chunks), ...definedTerms(request.concepts)])]
  const definitions: { concept: Concept; card: CardDraft }[] = []
  for (const concept of rank(
    request.concepts.flatMap((concept) => withKnownTerm(concept, known) ?? []),
    request.titles?.module,
  )) {
    if (cards.length >= wanted) break
    const source = texts.get(concept.chunk_id)
    // The concept's question first; when it fails a check, its cloze.
    const card = cardsFor(concept, request.cardTypes).find((draft) => lintCard(draft, source).length === 0)
    // "What is memory?" asked twice, answered from two sentences, is one question with two answers (R10, C13).
    if (!card || cards.some((kept) => sameFact(kept, card) || (kept.type === 'basic' && card.type === 'basic' && comparable(kept.front) === comparable(card.front)))) {
      rejected++
      continue
    }
    cards.push(card)
    if (concept.kind === 'definition' || (card.type === 'basic' && COMMAND_QUESTION.test(card.front) && /^`[^`]+`$/.test(card.back))) definitions.push({ concept, card })
  }
  // When the concepts run out, a definition or a command is also asked from its other side (R10
  // allows one such pair per fact): the term for its meaning, the meaning for its term; the command for its purpose.
  for (const { concept, card } of definitions) {
    if (cards.length >= wanted) break
    const reverse = reverseOf(concept, card, request.cardTypes)
    if (!reverse || lintCard(reverse, texts.get(concept.chunk_id)).length > 0) continue
    const asked = comparable(questionOf(reverse))
    if (cards.some((kept) => (kept !== card && sameFact(kept, reverse)) || comparable(questionOf(kept)) === asked)) continue
    cards.push({ ...reverse, reverse: true })
  }
  if (cards.length >= wanted) return { cards }
  return {
    cards,
    shortfall: `the material supports ${cards.length} distinct card(s) that pass the card rules (${request.concepts.length} candidate sentence(s), ${rejected} rejected as weak or duplicate)`,
  }
}

function tierOf(concept: Concept, subject: Set<string>): number {
  // A definition of the subject ("Views are a form of query …") keeps its rank: saying what the subject is is the point.
  if (subject.has(key(concept.term)) && concept.kind !== 'definition') return SUBJECT_TIER
  // A bare count ("60 lines shorter", "1520 files") is mostly the story's data; a quantity with its unit ("1 TB") is a fact.
  // A property of a named thing ("What is the location of the light-dependent reactions?", a table's cell) is a fact like a quantity.
  const property = /^What (?:is|are) the /.test(concept.relation ?? '')
  if (concept.kind === 'fact' && !property && !isQuantity(concept.term) && !isSpelledCount(concept.term)) return 5
  return TIER[concept.kind]
}

function rank(concepts: Concept[], title?: string): Concept[] {
  const counts = new Map<string, number>()
  for (const concept of concepts) counts.set(key(concept.term), (counts.get(key(concept.term)) ?? 0) + 1)
  // Commands are what a command lesson teaches, however often they recur: never its subject.
  const commands = new Set(concepts.filter((concept) => concept.term.startsWith('`')).map((concept) => key(concept.term)))
  // "Dictionaries": a one-word term that is a word of the module title ("a {{dictionary}} maps …") is what the whole module is about.
  const titled = new Set(contentWords(title ?? '').map(stem))
  const named = (term: string) => {
    const stems = contentWords(term).map(stem)
    return stems.length === 1 && titled.has(stems[0]!) && !term.startsWith('`')
  }
  const subject = new Set(
    [...counts].filter(([term, count]) => ((count >= 3 && count >= concepts.length * SUBJECT_SHARE) || named(term)) && !commands.has(term)).map(([term]) => term),
  )
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
  // Hiding the course's own subject ("{{Git}} is …") asks nothing; saying what the subject is does.
  return entries.filter((entry) => entry.tier !== SUBJECT_TIER || entry.concept.answer !== undefined).map((entry) => entry.concept)
}

const key = (term: string) => term.toLowerCase().replace(/`/g, '')

/** The cards a concept can make, best first: a definition's question, then a cloze on its blank. */
function cardsFor(concept: Concept, allowed: CardType[]): CardDraft[] {
  const { chunk_id, kind } = concept
  const at = wordIndex(concept.statement, concept.term)
  if (at < 0) return []
  const before = concept.statement.slice(0, at)
  const after = concept.statement.slice(at + concept.term.length)
  const drafts: CardDraft[] = []
  const question = concept.relation
  if (question && allowed.includes('basic') && question.length <= 150) {
    // "What is X called?" is answered by the term; "What is X?" by what the sentence says X is.
    const back = concept.answer ?? (asksForTerm(question) ? concept.term : undefined)
    if (back) drafts.push({ type: 'basic', front: question, back, chunk_id, kind })
    const part = kind === 'code' ? commandPartQuestion(question, concept.term) : undefined
    if (part) drafts.push({ type: 'basic', front: part.question, back: part.answer, chunk_id, kind })
  }
  if (allowed.includes('cloze')) drafts.push({ type: 'cloze', front: `${before}{{c1::${concept.term}}}${after}`, back: concept.term, chunk_id, kind })
  else if (allowed.includes('basic')) drafts.push({ type: 'basic', front: `Fill in the blank: ${before}___${after}`, back: concept.term, chunk_id, kind })
  return drafts
}

/** Questions answered by the term itself; "What is X?" is answered by what the sentence says X is. */
function asksForTerm(question: string): boolean {
  return question.endsWith('called?') || question.startsWith('What does') || /^(?:How do you|What do you run|What is it called when|Which) /.test(question)
}

/**
 * "What is the boundary around a cell called?" → "What is the plasma membrane?"; "What is X?" → the cloze on X;
 * "How do you change between branches?" → "What does `git checkout name_of_the_branch` let you do?".
 */
function reverseOf(concept: Concept, card: CardDraft, allowed: CardType[]): CardDraft | undefined {
  const purpose = card.type === 'basic' ? COMMAND_QUESTION.exec(card.front)?.[1] : undefined
  if (purpose !== undefined) {
    const answer = `${purpose.charAt(0).toUpperCase()}${purpose.slice(1)}`
    return words(answer).length > MAX_ANSWER_WORDS
      ? undefined
      : { type: 'basic', front: `What does ${card.back} let you do?`, back: answer, chunk_id: card.chunk_id, kind: concept.kind }
  }
  const called = card.type === 'basic' ? /^What (is|are) (.+?),? called\?$/.exec(card.front) : null
  if (called) {
    const described = called[2]!
    if (words(described).length > MAX_ANSWER_WORDS || !allowed.includes('basic')) return undefined
    const at = wordIndex(concept.statement, concept.term)
    const article = /\b(a|an|the)\s+$/i.exec(concept.statement.slice(0, at))?.[1]?.toLowerCase()
    // Without an article the term may be an adjective or a mass noun: "What is meant by mutable?"
    const front = article ? `What ${called[1]} ${article} ${concept.term}?` : `What is meant by ${concept.term}?`
    return { type: 'basic', front, back: described.charAt(0).toUpperCase() + described.slice(1), chunk_id: card.chunk_id, kind: concept.kind }
  }
  // "What does NSAID stand for?" and a cloze on the expansion beside "(NSAIDs)" ask the same way round.
  if (card.type === 'basic' && concept.relation === card.front && !card.front.endsWith(' stand for?'))
    return cardsFor(
      { ...concept, relation: undefined },
      allowed.filter((type) => type === 'cloze'),
    )[0]
  return undefined
}

/** Terms the module defines with a sentence about them ("The quantity supplied is …"), at most four words. */
export function definedTerms(concepts: Concept[]): string[] {
  return (
    concepts
      // An expansion ("What does WHO stand for?") names an organisation or a class: it is asked once, not hidden in every sentence.
      .filter(
        (concept) =>
          concept.kind === 'definition' &&
          !concept.term.startsWith('`') &&
          concept.term.split(/\s+/).length <= 4 &&
          !concept.relation?.endsWith(' stand for?') &&
          (concept.relation || opensWith(concept)),
      )
      .map((concept) => concept.term)
  )
}

/** "The quantity supplied is …": the sentence is about the term, not naming it in passing ("… (also known as version)"). */
function opensWith(concept: Concept): boolean {
  return concept.statement
    .toLowerCase()
    .replace(/^(?:the|an?)\s+/, '')
    .startsWith(concept.term.toLowerCase())
}

/** Terms the author marked anywhere in the module (bold, italic, glossary links), at most four words. */
function moduleTerms(chunks: Chunk[]): string[] {
  const terms = new Set<string>()
  for (const block of chunks.flatMap((chunk) => chunk.blocks)) {
    for (const term of 'terms' in block ? block.terms : []) {
      if (term.mark !== 'code' && term.text.split(/\s+/).length <= 4 && !isWeakBlank(term.text)) terms.add(term.text)
    }
  }
  return [...terms]
}

/**
 * A sentence whose blank is a plain noun phrase, read in a section that does not mark the term
 * it holds (a key point "Lists are mutable" after the body defined *mutable*), hides that term
 * instead, when the term does not leak into the rest of the sentence; one whose blank cuts a
 * known term in two is dropped.
 */
const FINITE_VERB = /\s(?:is|are|was|were|has|have|had|can|could|will|would|may|might|must|should|does|do|did)\s/

function withKnownTerm(concept: Concept, known: string[]): Concept | undefined {
  // A number ("about {{two percent}}") is the fact itself, whatever terms stand around it.
  if (
    concept.relation ||
    concept.kind === 'definition' ||
    concept.kind === 'list' ||
    known.includes(concept.term) ||
    concept.term.startsWith('`') ||
    /\d/.test(concept.term) ||
    isQuantity(concept.term) ||
    isSpelledCount(concept.term) ||
    // A case name ("Keates v Cadogan") is the authority the sentence cites: the point of a law lesson's sentence.
    / v\.? [A-Z]/.test(concept.term)
  )
    return concept
  for (const candidate of known) {
    const found = termAt(concept.statement.toLowerCase(), candidate.toLowerCase())
    // "Harassment can be a single incident or …", "Implicit memories are formed through …": the subject a fact is told of is not its news.
    if (!found || found.at < Math.max(1, concept.statement.search(FINITE_VERB))) continue
    const { at } = found
    const term = concept.statement.slice(at, at + found.length)
    // "the sample size": followed by a content word, the term only modifies it.
    const next = /^\s+([\p{L}-]+)/u.exec(concept.statement.slice(at + term.length))?.[1]
    if (next && !STOP_WORDS.has(next.toLowerCase())) continue
    const front = `${concept.statement.slice(0, at)}{{c1::${term}}}${concept.statement.slice(at + term.length)}`
    if (!leaksStem({ type: 'cloze', front, back: term })) return { ...concept, term, kind: concept.kind === 'keypoint' ? 'keypoint' : 'term' }
  }
  // "the {{quantity}} supplied": a blank that cuts a known term in two hides half a name.
  return splitsKnownTerm(concept, known) ? undefined : concept
}

function splitsKnownTerm(concept: Concept, known: string[]): boolean {
  const statement = concept.statement.toLowerCase()
  const term = concept.term.toLowerCase()
  return known.some((candidate) => {
    const whole = candidate.toLowerCase()
    return whole !== term && containsWord(whole, term) && containsWord(statement, whole)
  })
}
