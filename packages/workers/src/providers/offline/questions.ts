import { WEAK_VERBS } from '../../pipeline/card-lint.js'
import { EMPTY_HEADS, GENERIC_NOUNS, hiddenVerbs } from './blanks.js'
import type { Sentence, Token } from './nlp.js'

/**
 * A question from a plain statement, where no term is marked: "Git works best with small text
 * files." → "What does Git work best with?" → "Small text files". The sentence must open on its
 * subject (a short noun phrase or code), then a present-tense verb that is not a linking verb,
 * then the object (a noun phrase): the question keeps subject and verb and asks for the object,
 * so the answer is the source's own words and the question names what is asked (R2, R11).
 */
export interface Question {
  question: string
  /** The object as the sentence writes it. */
  term: string
  /** The same, capitalised as an answer. */
  answer: string
}

const SUBJECT = new Set(['DET', 'ADJ', 'NOUN', 'PROPN', 'CODE', 'NUM'])
const OBJECT = new Set(['ADJ', 'NOUN', 'PROPN', 'CODE', 'NUM'])
const NOUN_END = new Set(['NOUN', 'PROPN', 'CODE'])
/** Determiners that point outside the sentence or quantify vaguely: no subject or answer opens with them. */
const POINTING = /^(?:this|that|these|those|some|any|each|every|such|another|other|all|no|both|either|neither|many|most|few|several|various|numerous|certain)$/i
const MAX_SUBJECT_WORDS = 4
const MAX_ANSWER_WORDS = 6

/** The question the sentence answers, or undefined when its shape gives none that reads well. */
export interface QuestionContext {
  /** Words the text capitalises mid-sentence: names, kept capitalised. */
  names: ReadonlySet<string>
  /** Whether a lemma can be a verb at all (nlp.ts `canBeVerb`). */
  canBeVerb: (lemma: string) => boolean
}

export function questionOf(sentence: Sentence, context: QuestionContext): Question | undefined {
  const tokens = nounsBeforeVerbs(sentence.tokens)
  // The main verb is the first verb after a noun: a word the model tags a verb inside the subject
  // ("Good commit messages improve …") modifies the noun after it.
  const compound = (index: number) => tokens[index + 1]?.pos === 'NOUN' && /^(?:VERB|AUX)$/.test(tokens[index + 2]?.pos ?? '')
  const verbAt = tokens.findIndex((token, index) => (token.pos === 'VERB' || token.pos === 'AUX') && NOUN_END.has(tokens[index - 1]?.pos ?? '') && !compound(index))
  if (verbAt < 1 || verbAt > MAX_SUBJECT_WORDS) return undefined
  const subject = tokens.slice(0, verbAt)
  const modifier = (token: Token, index: number) => token.pos === 'VERB' && tokens[index + 1]?.pos === 'NOUN' && index > 0
  if (!subject.every((token, index) => SUBJECT.has(token.pos) || modifier(token, index)) || !NOUN_END.has(subject[subject.length - 1]!.pos)) return undefined
  if (POINTING.test(subject[0]!.text) || subject.every((token) => token.pos !== 'CODE' && isGeneric(token))) return undefined
  // "Mixing types forces coercion": a gerund opens a subject with its own object, which the model reads as the verb.
  if (/ing$/i.test(subject[0]!.text) && subject[0]!.pos !== 'CODE') return undefined
  const verb = tokens[verbAt]!
  const auxiliary = agreement(verb)
  if (!auxiliary || WEAK_VERBS.has(verb.text.toLowerCase()) || WEAK_VERBS.has(verb.lemma) || !context.canBeVerb(verb.lemma)) return undefined
  // "works best with", "serve as": an adverb and a preposition stay with the verb in the question.
  let at = verbAt + 1
  const link: string[] = []
  if (/^(?:best|well|only|mainly|mostly|directly)$/i.test(tokens[at]?.text ?? '')) link.push(tokens[at++]!.text)
  // "evaporates in the oven": in/on/at name a place or a time, seldom the point of the sentence.
  if (tokens[at]?.pos === 'ADP' && /^(?:as|with|to|into|for|from|about)$/i.test(tokens[at]!.text)) link.push(tokens[at++]!.text)
  const of = objectAt(tokens, at) === undefined ? objectBeforeOf(sentence.text, tokens, at) : undefined
  const object = of?.object ?? objectAt(tokens, at)
  if (!object || !sentence.text.includes(object)) return undefined
  const subjectText = asSubject(subject, context.names)
  const question = `What ${auxiliary} ${subjectText} ${verb.lemma}${link.length > 0 ? ` ${link.join(' ')}` : ''}${of?.tail ? ` ${of.tail}` : ''}?`
  return { question, term: object, answer: object.charAt(0).toUpperCase() + object.slice(1) }
}

/** "Commits serve as …": a first word read as a verb, before the verb, is the plural noun subject; and verbs read as nouns are verbs. */
function nounsBeforeVerbs(tokens: Token[]): Token[] {
  const [first, second] = tokens
  if (first?.pos !== 'VERB' || !/[^s]s$/.test(first.text) || (second?.pos !== 'VERB' && second?.pos !== 'AUX')) return withHiddenVerbs(tokens)
  return withHiddenVerbs([{ ...first, pos: 'NOUN' }, ...tokens.slice(1)])
}

/** "Coastal engineers study/NOUN tide tables": a verb the model read as a noun, by its place (blanks.ts). */
function withHiddenVerbs(tokens: Token[]): Token[] {
  const verbs = hiddenVerbs(tokens)
  // Of two neighbours both read as verbs ("Coastal engineers study"), the second is: the first ends the subject.
  return tokens.map((token, index) => (verbs.has(index) && !verbs.has(index + 1) ? { ...token, pos: 'VERB' } : token))
}

/** "do" for a plural subject's verb ("commits serve"), "does" for a singular one ("Git works"); past or participle: none. */
function agreement(verb: Token): 'do' | 'does' | undefined {
  const word = verb.text.toLowerCase()
  if (word === verb.lemma) return 'do'
  return word === `${verb.lemma}s` || word === `${verb.lemma}es` || (verb.lemma.endsWith('y') && word === `${verb.lemma.slice(0, -1)}ies`) ? 'does' : undefined
}

/** The object noun phrase from `at`, in the source's words: an article, modifiers, ending on a noun. */
function objectAt(tokens: Token[], at: number): string | undefined {
  let start = at
  if (tokens[start]?.pos === 'DET' && !POINTING.test(tokens[start]!.text)) start++
  else if (tokens[start]?.pos === 'PRON' && /^(?:your|their|its|our)$/i.test(tokens[start]!.text)) start++
  let end = start
  while (end < tokens.length && OBJECT.has(tokens[end]!.pos)) end++
  while (end > start && !NOUN_END.has(tokens[end - 1]!.pos)) end--
  const phrase = tokens.slice(start, end)
  if (phrase.length === 0 || end - at > MAX_ANSWER_WORDS) return undefined
  // "keeps the membrane fluid": an adjective after the object completes it; the phrase alone misleads.
  if (tokens[end]?.pos === 'ADJ') return undefined
  // "a number of", "the way": the head says nothing on its own.
  if (phrase.length === 1 && isGeneric(phrase[0]!)) return undefined
  // The phrase must end the clause, not break off before "of …" that completes it.
  if (tokens[end]?.text === 'of') return undefined
  // "include `mean`, `median` …", "prescribe diverging lenses, with negative power, to correct …": the
  // first of a list, or an object whose purpose follows, is not the whole answer.
  // "Ice meets rock: the ice plucks …": a label before a colon is a heading of what follows, not a statement.
  if (tokens[end]?.text === ',' || tokens[end]?.text === ':' || tokens[end]?.pos === 'CCONJ') return undefined
  // "converts light energy into chemical energy", "maps keys to values": what follows "into" or "to" completes the object.
  if (
    /^(?:into|onto)$/i.test(tokens[end]?.text ?? '') ||
    (/^to$/i.test(tokens[end]?.text ?? '') && (/^(?:NOUN|DET|ADJ|PROPN|NUM|CODE)$/.test(tokens[end + 1]?.pos ?? '') || /[^s]s$/.test(tokens[end + 1]?.text ?? '')))
  )
    return undefined
  // "The courts apply two presumptions.": a count of things the next sentences name is no answer.
  if (/^(?:two|three|four|five|six|seven|eight|nine|ten|several|many|some|numerous|various|multiple|countless)$/i.test(phrase[0]!.text)) return undefined
  return tokens
    .slice(at, end)
    .map((token) => token.text)
    .join(' ')
}

/**
 * "A repository stores every version of every file that is added to it": the object's head is the
 * answer and its "of" phrase, to the end of the sentence, stays in the question (CARDS.md E8); a
 * head that names nothing alone ("the number of …", "a kind of …") makes no answer.
 */
function objectBeforeOf(text: string, tokens: Token[], at: number): { object: string; tail: string } | undefined {
  const start = /^(?:the|an?|every|each|all)$/i.test(tokens[at]?.text ?? '') ? at + 1 : at
  let end = start
  while (end < tokens.length && OBJECT.has(tokens[end]!.pos)) end++
  if (end === start || tokens[end]?.text !== 'of' || !NOUN_END.has(tokens[end - 1]!.pos) || EMPTY_HEADS.has(tokens[end - 1]!.lemma)) return undefined
  const object = tokens
    .slice(at, end)
    .map((token) => token.text)
    .join(' ')
  const tail = /^ (of [^,;:()]+?)\.?$/.exec(text.slice(text.indexOf(object) + object.length))?.[1]
  // "maps baskets of goods to single numbers": what follows "to" completes the object, as in objectAt.
  if (!tail || tail.split(' ').length > 10 || end - at > MAX_ANSWER_WORDS || /\b(?:to|into|onto|from)\b/.test(tail.split(/\b(?:that|which|who)\b/)[0]!)) return undefined
  // "lowers the activation energy of the reaction": a short "of" phrase without a verb is part of the answer.
  const clause = tokens.slice(end).some((token) => token.pos === 'VERB' || token.pos === 'AUX')
  return !clause && end - at + tail.split(' ').length <= MAX_ANSWER_WORDS ? { object: `${object} ${tail}`, tail: '' } : { object, tail }
}

function isGeneric(token: Token): boolean {
  return GENERIC_NOUNS.has(token.lemma) || GENERIC_NOUNS.has(token.text.toLowerCase())
}

/** The subject as a question quotes it: a capital kept on names (`names`), acronyms and code only. */
function asSubject(subject: Token[], names: ReadonlySet<string>): string {
  const text = subject.map((token) => token.text).join(' ')
  const first = subject[0]!
  // The model tags any capitalised first word a name: it is one when the text capitalises it mid-sentence too.
  const keep = first.pos === 'CODE' || names.has(first.text) || /^[A-Z]{2,}/.test(first.text)
  return keep ? text : text.charAt(0).toLowerCase() + text.slice(1)
}

/** "Branches should be used to keep the main branch clean.": the purpose a sentence gives its subject. */
const USED_TO =
  /^((?:[\w`.-]+\s+){0,3}[\w`.-]+)\s+(is|are|should|can|must|may)\s+(?:be\s+)?(?:mainly\s+|mostly\s+|often\s+|commonly\s+)?used\s+to\s+([a-z]+(?:\s+[^\s,;:]+){1,7})\.$/

/**
 * The question "What should branches be used to do?" answered by the purpose as the sentence
 * words it ("Keep the main branch clean"); undefined when the sentence is no such statement.
 */
export function usedToQuestion(sentence: Sentence, names: ReadonlySet<string>): Question | undefined {
  const match = USED_TO.exec(sentence.text)
  if (!match) return undefined
  const [, subject, modal, purpose] = match as unknown as [string, string, string, string]
  const first = sentence.tokens[0]
  if (!first || POINTING.test(first.text) || /^(?:PRON|ADV|SCONJ|ADP)$/.test(first.pos) || /^(?:it|this|that|they|these|those|there)$/i.test(subject)) return undefined
  const lowered = first.pos === 'CODE' || names.has(first.text) || /^[A-Z]{2,}/.test(subject) ? subject : subject.charAt(0).toLowerCase() + subject.slice(1)
  const question = modal === 'is' || modal === 'are' ? `What ${modal} ${lowered} used to do?` : `What ${modal} ${lowered} be used to do?`
  return { question, term: purpose, answer: purpose.charAt(0).toUpperCase() + purpose.slice(1) }
}
