import { STOP_WORDS, comparable, words } from './text.js'

/**
 * The mechanical checks of CARDS.md section 2, one card at a time (C12 compares two cards). The
 * offline generator runs them on its own drafts, and the bench reports how many cards of any
 * provider fail them. Every regular expression here is linear: no nested quantifiers.
 */
export type CheckId = 'C1' | 'C2' | 'C3' | 'C4' | 'C5' | 'C6' | 'C7' | 'C8' | 'C9' | 'C10' | 'C11'

export interface LintableCard {
  type: 'basic' | 'cloze'
  front: string
  back: string
}

export const MAX_FRONT_CHARS = 150
export const MAX_ANSWER_WORDS = 8
/** C6: a front asking for a whole set ("Name all …", "List the …", "What are the four …"); "a list" as a noun asks for none. */
const ENUMERATION_QUESTION = /^list\b|\b(?:name|list) (?:all|every|each|the)\b|\bwhat are the (?:\d+|two|three|four|five|six|seven|eight|nine|ten|main|different)\b/i
// eslint-disable-next-line regexp/no-super-linear-backtracking, regexp/no-unused-capturing-group -- one card's front (at most 1,000 characters): the lazy body and the optional hint trading colons costs little there; the groups keep the {{cN::text::hint}} shape readable
const CLOZE = /\{\{c(\d+)::(.+?)(?:::[^}]*)?\}\}/g
/** Linking and common verbs a blank must never hide (C1); not "mean", which is as often the statistic. */
export const WEAK_VERBS = new Set(
  `is are was were be been being has have had uses use used allows allow allowed tells tell told means meant called call calls
  shows show showed makes make made gives give gave lets let takes take took does do did can could will would should may might must
  get gets got need needs needed contains contain contained provides provide provided helps help helped
  become becomes became seem seems seemed remain remains remained stay stays stayed`.split(/\s+/),
)
/** Vague adjectives and adverbs of frequency or degree: never the fact a blank should hide. */
const VAGUE = new Set(
  'important different several various certain many much more most other same new good bad main simple basic common useful possible always never often sometimes usually rarely even still just already today tomorrow yesterday tonight'.split(
    ' ',
  ),
)
const COMPARISON = /\b(?:like|unlike|than|whereas|while|instead of|difference|the former|the latter|but)\b/i
const GENERIC_HEAD = /^(?:a|an|the)?\s*(?:way|function|program|something|thing|kind|type|tool|method|process)\b/i
/**
 * An answer that only points at a class ("a well-studied example", "the main process") or at
 * another answer ("the reverse process", "the same one") says nothing the learner can recall.
 */
export const GENERIC_TAIL =
  /^(?:(?:a|an|the)\s+)?(?:[\w-]+\s+){0,2}(?:example|process|thing|one|case|kind|type|way|command|function|program|tool|method|option|file|value|part|exception|rule|norm)s?\.?$/i
/** "a classic example of right-skewed data": the predicate files its subject under a class, it does not say what it is. */
export const EXAMPLE_OF = /^(?:(?:a|an|the)\s+)?(?:[\w-]+\s+){0,2}(?:example|instance|case|illustration|kind|type|sort)\s+of\b/i
export const RELATIVE_HEAD = /^(?:the\s+)?(?:reverse|opposite|same|former|latter|other|remaining)\b/i
const DEFINITION_QUESTION = /^(?:what|who) (?:is|are) (?:a |an |the )?[^?]{1,40}\?$/i
const YES_NO_START = /^(?:is|are|does|do|can|should|must|will|has|have|was|were|did|could|would)\b/i
const REFERENCE_START = /^(?:this|these|that|it|its|here|they|their|those|such)\b/i
/**
 * "this ratio", "these values", "the above", "as described below": a referent the card does not
 * carry (C9), anywhere in the front; "a rate above 100" compares and stays.
 */
const REFERENCE_WORDS =
  /\b(?:the following|in this way|as shown|shown here|previous (?:section|example|episode)|th(?:is|ese) (?!is\b|are\b|was\b)[a-z]+|the (?:above|below))\b|\b(?:above|below)(?=\s*(?:[.,;:)!?]|$))/i
const MARKUP = /\]\(|\]\[|\{ref\}|\{term\}|\(\w[\w-]*\)=|\*\*|::::|<\/?kbd>|alt=|https?:\/\/|^\$ /
const SHORTCUT_LINK = /\[[A-Z][^\]]{0,60}\](?!\()/i

/** The answers of a card: the back of a basic card, the deletions of a cloze. */
export function answersOf(card: LintableCard): string[] {
  if (card.type !== 'cloze') return [card.back]
  const deletions = [...card.front.matchAll(CLOZE)].map((match) => match[2]!)
  return deletions.length > 0 ? deletions : [card.back]
}

/** The front as a learner reads it: deletions shown as blanks. */
export function questionOf(card: LintableCard): string {
  return card.type === 'cloze' ? card.front.replace(CLOZE, '___') : card.front
}

/** Lower case, -s/-es/-ed/-ing off, at most five letters: "counts", "counting" and "counted" meet. */
export function stem(word: string): string {
  const lower = word.toLowerCase()
  const bare = lower.length > 4 ? lower.replace(/(?:ies|es|s|ed|ing)$/, '') : lower
  return bare.slice(0, 5)
}

function contentStems(text: string): string[] {
  const stems = words(text)
    .filter((word) => word.length > 2 && !/^\d+$/.test(word) && !STOP_WORDS.has(word))
    .map(stem)
  // A number is content however short, compared whole: "At {{6%}}, money doubles in about 72 / 6 years" gives it away; 3.16 does not give away 3.44.
  return [...stems, ...(text.match(/\d+(?:[.,]\d+)*/g) ?? [])]
}

/** C1: the deletion hides only filler: stop words, a linking verb, an adverb or a vague adjective. */
export function isWeakBlank(answer: string): boolean {
  // A quoted name ("a branch called 'main'") is a name, whatever its words.
  if (/^['"‘“].+['"’”]$/.test(answer.trim())) return false
  // Code ("`-a`", "`if`") is a command, an option or a keyword: what R5 wants hidden.
  if (/^`[^`]+`$/.test(answer.trim())) return false
  const tokens = words(answer)
  if (tokens.length === 0) return !/[^\s\p{L}\p{N}]/u.test(answer)
  return tokens.every((word) => STOP_WORDS.has(word) || WEAK_VERBS.has(word) || VAGUE.has(word) || (word.length > 4 && word.endsWith('ly')))
}

/** C2: a content word of the answer, stemmed, stands in the question outside the deletion. */
export function leaksStem(card: LintableCard): boolean {
  const question = new Set(contentStems(withoutPlaceholders(questionOf(card))))
  return answersOf(card).some((answer) => contentStems(withoutPlaceholders(answer)).some((word) => question.has(word)))
}

/**
 * `git checkout name_of_the_branch`: a snake_case placeholder in code is for the learner to
 * replace, not to recall, so its words give nothing away.
 */
function withoutPlaceholders(answer: string): string {
  return answer.replace(/`[^`]*`/g, (code) => code.replace(/[\p{L}\d]+(?:_[\p{L}\d]+)+/gu, ' '))
}

/**
 * C5: words of an answer, a code span counted by its whitespace-separated parts:
 * `git checkout SHA_of_the_version -- your_file_name` is one command of four parts, not nine words.
 */
function answerLength(answer: string): number {
  const code = answer.match(/`[^`]*`/g) ?? []
  const prose = answer.replace(/`[^`]*`/g, ' ')
  return words(prose).length + code.reduce((sum, span) => sum + span.slice(1, -1).trim().split(/\s+/).length, 0)
}

/** C4: sentences of a front, not counting full stops inside code. */
function sentenceCount(front: string): number {
  const prose = front.replace(/`[^`]*`/g, 'code')
  return 1 + (prose.match(/[.?!]\s+[A-Z]/g)?.length ?? 0)
}

/** C6: items of an answer, as commas, semicolons, "and", slashes and newlines separate them. */
function itemCount(answer: string): number {
  return answer.split(/[,;/\n]|\band\b|\bor\b/).filter((part) => part.trim() !== '').length
}

/** C11: the answer stands in the source, ignoring case and punctuation; symbols compared raw. */
export function isVerbatim(answer: string, source: string): boolean {
  const folded = comparable(answer)
  // `.` is the symbol it holds: its backticks are markup, not text of the source.
  const raw = answer.trim().replace(/^`([^`]+)`$/, '$1')
  if (folded.trim() === '') return raw !== '' && source.includes(raw)
  return comparable(source).includes(folded)
}

/** Every check the card fails; `source` (the cited chunk's text) enables C11. */
export function lintCard(card: LintableCard, source?: string): CheckId[] {
  const failed = new Set<CheckId>()
  const answers = answersOf(card)
  const question = questionOf(card)
  if (card.type === 'cloze' && answers.some(isWeakBlank)) failed.add('C1')
  if (leaksStem(card)) failed.add('C2')
  if (card.type === 'cloze' && [...card.front.matchAll(CLOZE)].length > 1) failed.add('C3')
  if (question.length > MAX_FRONT_CHARS || sentenceCount(question) > 1) failed.add('C4')
  if (answers.some((answer) => answerLength(answer) > MAX_ANSWER_WORDS || answer.includes(';'))) failed.add('C5')
  if (answers.some((answer) => itemCount(answer) > 3) || ENUMERATION_QUESTION.test(question)) failed.add('C6')
  if (
    DEFINITION_QUESTION.test(question) &&
    answers.some((answer) => COMPARISON.test(answer) || GENERIC_HEAD.test(answer) || GENERIC_TAIL.test(answer) || RELATIVE_HEAD.test(answer) || words(answer).length > 15)
  )
    failed.add('C7')
  if (card.type === 'basic' && YES_NO_START.test(question.trim())) failed.add('C8')
  if (REFERENCE_START.test(question.trim()) || REFERENCE_WORDS.test(question)) failed.add('C9')
  // "`[dependencies]`" is a section name in code, not a link.
  if ([card.front, card.back].some((text) => MARKUP.test(text) || SHORTCUT_LINK.test(text.replace(CLOZE, '$2').replace(/`[^`]*`/g, '')))) failed.add('C10')
  if (source !== undefined && !answers.every((answer) => isVerbatim(answer, source))) failed.add('C11')
  return [...failed]
}

/** Whether `card` shows any answer of `other` (on its front or as its own answer). */
/** The answer as compared: folded like C11, a symbol-only answer (`<<<<<<<` vs `>>>>>>>`) raw, since folding empties both. */
function answerKey(card: LintableCard): string {
  const answer = answersOf(card).join(' ')
  const folded = comparable(answer).trim()
  return folded === '' ? answer.replace(/\s+/g, ' ').trim() : folded
}

function names(card: LintableCard, other: LintableCard): boolean {
  const text = `${questionOf(card)} ${answersOf(card).join(' ')}`
  return answersOf(other).some((answer) => isVerbatim(answer, text))
}

/** Overlapping clozes of one sequence ("a → {{c1::b}} → c", CARDS.md E10) ask different steps. */
function differentSteps(a: LintableCard, b: LintableCard): boolean {
  const step = (card: LintableCard) => card.type === 'cloze' && card.front.includes(' → ')
  return step(a) && step(b) && comparable(a.back) !== comparable(b.back)
}

/**
 * C12: two cards of a module ask the same fact: same normalised answer and fronts sharing half
 * the shorter front's content words, or content-word Jaccard (front + back) ≥ 0.6 when one card
 * shows the other's answer (two cards on different subjects are a confusable pair, not a repeat).
 */
export function sameFact(a: LintableCard, b: LintableCard): boolean {
  if (differentSteps(a, b)) return false
  const frontA = new Set(contentStems(questionOf(a)))
  const frontB = new Set(contentStems(questionOf(b)))
  const sameAnswer = answerKey(a) === answerKey(b)
  if (sameAnswer) {
    const shorter = frontA.size <= frontB.size ? frontA : frontB
    const longer = shorter === frontA ? frontB : frontA
    const shared = [...shorter].filter((word) => longer.has(word)).length
    if (shorter.size === 0 || shared * 2 >= shorter.size) return true
  }
  // A confusable pair ("`head` … first 10 lines", "`tail` … last 10 lines") shares most words yet
  // asks two facts: neither card names the other's answer (C13 wants both, each with its cue).
  if (!sameAnswer && !names(a, b) && !names(b, a)) return false
  const bagA = new Set([...frontA, ...contentStems(answersOf(a).join(' '))])
  const bagB = new Set([...frontB, ...contentStems(answersOf(b).join(' '))])
  let shared = 0
  for (const word of bagA) if (bagB.has(word)) shared++
  const union = bagA.size + bagB.size - shared
  return union > 0 && shared / union >= 0.6
}
