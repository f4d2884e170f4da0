import { isVerbatim, lintCard, sameFact, type CheckId } from '@flashcards/workers'

/**
 * Automatic card-quality measures, independent of the pipeline's own validation (which already
 * drops what it judges ungrounded or duplicate): a stricter second opinion that runs the same on
 * any provider's output, so models can be compared.
 */

export interface QualityCard {
  type: 'basic' | 'cloze'
  front: string
  back: string
  /** Text of the chunk the card cites. */
  sourceText: string
  chunk_id?: string
  /** Asks an earlier card's fact from the other direction on purpose (tagged `reverse`): counted apart. */
  reverse?: boolean
}

/** A card written by hand under CARDS.md for a module, and a quote of the lesson sentence it rests on. */
export interface ReferenceCard {
  front: string
  back: string
  source: string
}

/** Modules at least this long must reach their target (issue 13); shorter ones may report a shortfall. */
export const COUNT_BAR_WORDS = 400

export interface ModuleCards {
  module_id: string
  target: number
  cards: QualityCard[]
  /** Words of the module's extracted text, when known. */
  words?: number
  /** Hand-written reference cards of the module, when bench/reference-cards has some. */
  references?: ReferenceCard[]
}

export interface Distribution {
  min: number
  p50: number
  p90: number
  max: number
  mean: number
}

export interface QualityReport {
  modules: number
  cards: number
  /** Mean over modules of min(cards, target) / target: 1 when every module reached its target. */
  count_accuracy: number
  /**
   * The same over modules of at least COUNT_BAR_WORDS words, the size issue 13 holds to the count;
   * a shorter module may end on an honest shortfall.
   */
  count_accuracy_sized: number
  /** Share of modules whose card count equals the target. */
  modules_on_target: number
  /** Share of cards whose answer (each cloze deletion) is in the cited chunk verbatim, ignoring case and punctuation. */
  grounding_rate: number
  /** Share of cards whose answer already stands in the question. */
  leakage_rate: number
  /** Share of cards whose question repeats an earlier card's of the same module. */
  duplicate_rate: number
  /** Share of cards whose words overlap an earlier card's (Jaccard ≥ NEAR_DUPLICATE_JACCARD). */
  near_duplicate_rate: number
  /** Answer length in words. */
  answer_words: Distribution
  /** Share of answers of at most ATOMIC_ANSWER_WORDS words. */
  atomic_rate: number
  /** Share of cards failing any of the CARDS.md checks C1–C10 (C11 is grounding, C12 same-fact). */
  lint_flagged_rate: number
  /** Cards failing each check. */
  checks: Partial<Record<CheckId, number>>
  /** C12: share of cards repeating the fact of an earlier card of the module (deliberate reverse cards aside). */
  same_fact_rate: number
  /** Deliberate reverse-direction cards (R10), reported apart from same-fact repeats. */
  reverse_pairs: number
  /** Share of cloze deletions that hide a verb, stop word, adverb or vague word (C1). */
  weak_blank_rate: number
  /** Share of cards whose answer's stem stays visible in the question (C2). */
  stem_leak_rate: number
  /** Share of fronts over 150 characters or of several sentences (C4). */
  long_front_rate: number
  /** "What is X?" answered by a comparison or a generic phrase (C7). */
  misdefinition_rate: number
  /** Reference facts matched by a generated card, of the modules that have references. */
  coverage?: { matched: number; references: number; rate: number }
}

export const NEAR_DUPLICATE_JACCARD = 0.6
export const ATOMIC_ANSWER_WORDS = 8
// A deletion's answer runs to its first '::' (the hint) or '}}'; spelt so that no two parts can
// match the same text, which keeps a long malformed front linear.
const CLOZE = /\{\{c\d+::((?:[^:}\n]|:(?!:)|\}(?!\}))+)(?:::[^}]*)?\}\}/g

/** Lower case, punctuation and markup to single spaces, padded so `includes` matches whole words. */
export function normalise(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `
}

export function words(text: string): string[] {
  return normalise(text)
    .trim()
    .split(' ')
    .filter((word) => word !== '')
}

/** The answers of a card: the back of a basic card, the deletions of a cloze. */
export function answersOf(card: Pick<QualityCard, 'type' | 'front' | 'back'>): string[] {
  if (card.type === 'cloze') {
    const deletions = [...card.front.matchAll(CLOZE)].map((match) => match[1]!)
    return deletions.length > 0 ? deletions : [card.back]
  }
  return [card.back]
}

function contains(haystack: string, needle: string): boolean {
  const n = normalise(needle)
  return n.trim() !== '' && normalise(haystack).includes(n)
}

/** C11: every answer stands in the cited chunk, ignoring case and punctuation; symbol-only answers compared raw. */
export function isGroundedVerbatim(card: QualityCard): boolean {
  return answersOf(card).every((answer) => isVerbatim(answer, card.sourceText))
}

/** An answer as coverage compares it: normalised, without a leading article ("A pipe" and "pipe" meet). */
const answerKey = (answer: string) => normalise(answer).replace(/^ (?:a|an|the) /, ' ')
/** A symbol-only answer (`>>`, `*`, `..`), which normalising empties: backticks and spaces off, the rest raw. */
const symbolsOf = (answer: string) => answer.replace(/[`\s]/g, '')

/**
 * A generated card covers a reference (CARDS.md section 5) when its chunk holds the reference's
 * sentence and the answers agree: equal, or one containing the other and holding more than half
 * of its words, so that one common word inside a longer answer ("changes" in "conflicting
 * changes", cut from another sentence of the chunk) is no match. Symbol-only answers must be
 * equal raw: `>` does not cover `>>`.
 */
export function covers(card: QualityCard, reference: ReferenceCard): boolean {
  if (!normalise(card.sourceText).includes(normalise(reference.source))) return false
  const answer = answersOf(card).join(' ')
  const given = answerKey(answer)
  const expected = answerKey(reference.back)
  if (given.trim() === '' || expected.trim() === '') return symbolsOf(answer) !== '' && symbolsOf(answer) === symbolsOf(reference.back)
  if (given === expected) return true
  const [shorter, longer] = given.length <= expected.length ? [given, expected] : [expected, given]
  return longer.includes(shorter) && words(shorter).length * 2 > words(longer).length
}

/** The question gives its answer away: the back is in the front (for a cloze, outside its deletions). */
export function leaksAnswer(card: Pick<QualityCard, 'type' | 'front' | 'back'>): boolean {
  const question = card.type === 'cloze' ? card.front.replace(CLOZE, ' ') : card.front
  return answersOf(card).some((answer) => contains(question, answer))
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1
  let shared = 0
  for (const word of a) if (b.has(word)) shared++
  return shared / (a.size + b.size - shared)
}

export function distribution(values: number[]): Distribution {
  if (values.length === 0) return { min: 0, p50: 0, p90: 0, max: 0, mean: 0 }
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  return { min: sorted[0]!, p50: at(0.5), p90: at(0.9), max: sorted[sorted.length - 1]!, mean: sorted.reduce((s, v) => s + v, 0) / sorted.length }
}

const share = (count: number, total: number) => (total === 0 ? 0 : count / total)

function countAccuracy(modules: ModuleCards[]): number {
  return share(
    modules.reduce((sum, module) => sum + Math.min(module.cards.length, module.target) / module.target, 0),
    modules.length,
  )
}

export function measureQuality(modules: ModuleCards[]): QualityReport {
  let cards = 0
  let grounded = 0
  let leaked = 0
  let duplicates = 0
  let nearDuplicates = 0
  const answerWords: number[] = []
  const checks: Partial<Record<CheckId, number>> = {}
  let flagged = 0
  let sameFacts = 0
  let reversePairs = 0
  let deletions = 0
  let weakBlanks = 0
  let matched = 0
  let references = 0
  for (const module of modules) {
    for (const reference of module.references ?? []) {
      references++
      if (module.cards.some((card) => covers(card, reference))) matched++
    }
    module.cards.forEach((card, index) => {
      const failed = lintCard(card, card.sourceText)
      for (const id of failed) checks[id] = (checks[id] ?? 0) + 1
      if (failed.some((id) => id !== 'C11')) flagged++
      if (card.reverse) reversePairs++
      else if (module.cards.slice(0, index).some((earlier) => sameFact(earlier, card))) sameFacts++
      if (card.type === 'cloze') {
        deletions++
        if (failed.includes('C1')) weakBlanks++
      }
    })
    const fronts = new Set<string>()
    const seen: Set<string>[] = []
    for (const card of module.cards) {
      cards++
      if (isGroundedVerbatim(card)) grounded++
      if (leaksAnswer(card)) leaked++
      const front = normalise(card.front)
      if (fronts.has(front)) duplicates++
      fronts.add(front)
      const bag = new Set(words(`${card.front} ${card.back}`))
      if (!card.reverse && seen.some((other) => jaccard(bag, other) >= NEAR_DUPLICATE_JACCARD)) nearDuplicates++
      seen.push(bag)
      answerWords.push(answersOf(card).reduce((sum, answer) => sum + words(answer).length, 0))
    }
  }
  return {
    modules: modules.length,
    cards,
    count_accuracy: countAccuracy(modules),
    count_accuracy_sized: countAccuracy(modules.filter((module) => (module.words ?? COUNT_BAR_WORDS) >= COUNT_BAR_WORDS)),
    modules_on_target: share(modules.filter((module) => module.cards.length === module.target).length, modules.length),
    grounding_rate: share(grounded, cards),
    leakage_rate: share(leaked, cards),
    duplicate_rate: share(duplicates, cards),
    near_duplicate_rate: share(nearDuplicates, cards),
    answer_words: distribution(answerWords),
    atomic_rate: share(answerWords.filter((count) => count <= ATOMIC_ANSWER_WORDS).length, answerWords.length),
    lint_flagged_rate: share(flagged, cards),
    checks,
    same_fact_rate: share(sameFacts, cards),
    reverse_pairs: reversePairs,
    weak_blank_rate: share(weakBlanks, deletions),
    stem_leak_rate: share(checks.C2 ?? 0, cards),
    long_front_rate: share(checks.C4 ?? 0, cards),
    misdefinition_rate: share(checks.C7 ?? 0, cards),
    ...(references > 0 ? { coverage: { matched, references, rate: share(matched, references) } } : {}),
  }
}
