import type { Concept } from '../types.js'
import { contentWords, firstClause, looksLikeCode, words } from '../../pipeline/text.js'

type Draft = Omit<Concept, 'chunk_id'>

/** What the sentence is read against: the chunk's heading and the terms its author emphasised. */
export interface SentenceContext {
  heading: string | undefined
  terms: string[]
}

const DEFINITION = /^((?:an?|the)\s)?([^,;:()\s][^,;:()]{0,59}?)\s(is|are|means|refers to|describes|stands for)\s(\S.{7,})$/i
/**
 * First words that make a subject a reference, a clause or an instruction rather than a term:
 * "Since there is …", "Several commands are …", "Option 3 is …", "Explain what is …".
 */
const NOT_A_TERM_START = new Set(
  `it this that these those they there here he she we you i one each all some such what which who whom whose when where how why
  but and or so if since because although though while once unless until as after before whether even also now then thus hence
  however therefore instead otherwise several many few most more less only other another same following above below next last
  first second third fourth final previous explain describe use write see note try let let's make remember consider imagine
  suppose option options answer both either neither every any much correct incorrect wrong right best simplest easiest`.split(/\s+/),
)
/** Words that make a subject a pronoun or a clause wherever they stand ("items that are open"). */
const CLAUSE_WORD = /\b(that|which|who|whom|where|when|if|because|they|it|we|you|he|she|what|how|why|our|your|this|these|those)\b/i
/** Nouns that, alone after "the", point back to the text around them: "the advantage", "the problem". */
const CONTEXT_NOUN = new Set(
  `advantage advantages disadvantage caveat problem problems answer result results output reason idea goal point difference trick
  solution option way thing things case example question rest purpose catch downside benefit key secret rule issue part step`.split(/\s+/),
)
/**
 * Predicates that describe or judge rather than define: passives ("is kept"), negations, adjectives
 * ("is correct", "is more useful"), clauses ("is that …", "is to …") and numbers ("is 3").
 */
const NOT_A_DEFINITION =
  /^(not|no longer|also|only|still|often|usually|always|never|\w+ed|kept|made|held|sent|given|done|seen|known|set|told|taken|written|run|shown|based|available|able|responsible|open|closed|correct|incorrect|wrong|right|true|false|equivalent|similar|different|like|unlike|useful|important|possible|impossible|easy|easier|hard|harder|better|worse|same|more|less|most|that|what|how|why|where|when|whether|to|because|so|very|too|quite|really|just|probably|likely|unlikely|going|now|then|there|here|\d)\b/i
/** Words that tie a statement to the lesson's story, not to the term: "the user in our examples here". */
const DEICTIC = /\b(our|here|above|below|this lesson|this example|this exercise)\b/i
/** A predicate that names a kind of thing: "a program …", "the root directory …", "short for …". */
const NAMES_A_KIND = /^(an?|the|any|one|two|three|short for|used to|a set of)\b/i
/** Answers longer than this are paragraphs, not something to recall. */
export const MAX_ANSWER_CHARS = 160
const AUXILIARY = new Set(['is', 'was', 'has', 'does', 'goes', 'this', 'its', 'his', 'hers', 'ours', 'yours', 'theirs', 'us', 'as', 'plus', 'yes', 'less', 'unless', 'always', 'sometimes', 'perhaps'])

/**
 * Concepts one sentence states: a definition ("A shell is a program …", "wc counts lines …"), a
 * rule with a quantity, and the author's emphasised terms in the sentence that uses them.
 * `commands` reads a lower-case start as code; list items ("navigate to a file") start so in prose.
 */
export function sentenceConcepts(sentence: string, context: SentenceContext, options: { facts: boolean; commands: boolean }): Draft[] {
  const found: Draft[] = []
  const definition = definitionIn(sentence, context) ?? (options.commands ? commandIn(sentence) : undefined)
  if (definition) found.push(definition)
  if (options.facts && !definition && QUANTITY.test(sentence) && sentence.length >= 40 && sentence.length <= 300 && !startsAsReference(sentence)) {
    found.push({ kind: 'fact', term: QUANTITY.exec(sentence)![0], statement: sentence })
  }
  if (startsAsReference(sentence)) return found
  for (const term of context.terms) {
    if (contentWords(term).length === 0 || !containsWord(sentence, term)) continue
    if (sentence.length >= term.length + 20 && sentence.length <= 250) found.push({ kind: 'term', term, statement: sentence })
  }
  return found
}

/** Numbers with a unit are what rules and deadlines are made of: "within one month", "72 hours". */
export const QUANTITY =
  /\b(?:(?<![\d,.])\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s*(?:%|percent|working days?|calendar days?|days?|weeks?|months?|years?|hours?|minutes?|euros?|dollars?)\b/i

/** The term as a whole word: "filter" is not in "filters". */
function containsWord(sentence: string, term: string): boolean {
  return new RegExp(`(?<![\\p{L}\\p{N}])${term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'u').test(sentence)
}

function startsAsReference(sentence: string): boolean {
  return NOT_A_TERM_START.has(words(sentence)[0] ?? '')
}

/** "X is Y" where X is a term: a noun phrase the author marked, headed or wrote as code. */
function definitionIn(sentence: string, context: SentenceContext): Draft | undefined {
  const match = DEFINITION.exec(sentence)
  if (!match || !/[.!]$/.test(sentence)) return undefined
  const article = match[1] ?? ''
  const subject = match[2]!.trim()
  const statement = firstClause(match[4]!)
  if (!isTerm(subject, article !== '')) return undefined
  if (NOT_A_DEFINITION.test(statement) || DEICTIC.test(statement) || statement.length < 8 || statement.length > MAX_ANSWER_CHARS) return undefined
  if (!isMarked(subject, context, article === '') && !NAMES_A_KIND.test(statement)) return undefined
  return { kind: 'definition', term: `${article}${subject}`, statement, relation: match[3]!.toLowerCase() }
}

function isTerm(subject: string, withArticle: boolean): boolean {
  const subjectWords = subject.toLowerCase().split(/\s+/)
  if (subjectWords.length > 5) return false
  if (NOT_A_TERM_START.has(subjectWords[0]!) || CLAUSE_WORD.test(subject)) return false
  // "The advantage", "the only caveat", "the third route": the term is in another sentence.
  if (withArticle && subjectWords.every((word) => CONTEXT_NOUN.has(word) || NOT_A_TERM_START.has(word))) return false
  return true
}

/** The author singled the subject out: emphasised it, made it the heading, or wrote it as code. */
function isMarked(subject: string, context: SentenceContext, bare: boolean): boolean {
  const lower = subject.toLowerCase()
  if (context.terms.some((term) => term.toLowerCase() === lower || lower.endsWith(term.toLowerCase()))) return true
  const headingWords = new Set(contentWords(context.heading ?? ''))
  const subjectWords = contentWords(subject)
  if (subjectWords.length > 0 && subjectWords.every((word) => headingWords.has(word) || headingWords.has(word.replace(/s$/, '')))) return true
  return bare && looksLikeCode(subject.split(/\s+/)[0]!)
}

/**
 * "wc counts lines, words, and characters in its inputs.": a sentence that starts with code
 * (prose starts with a capital) followed by what it does. The verb becomes the relation, so the
 * card asks "What does wc count?".
 */
function commandIn(sentence: string): Draft | undefined {
  if (!/[.!]$/.test(sentence)) return undefined
  const tokens = sentence.split(/\s+/)
  const program = tokens[0]!
  if (!looksLikeCode(program) || NOT_A_TERM_START.has(program)) return undefined
  // The subject is the program and its arguments as written in a synopsis: "cp [old] [new]".
  let i = 1
  while (i < Math.min(tokens.length - 1, 5) && CODE_ARGUMENT.test(tokens[i]!)) i++
  const verb = tokens[i] ?? ''
  if (!/^[a-z]{3,}s$/.test(verb) || AUXILIARY.has(verb) || baseVerb(verb) === program) return undefined
  const subject = tokens.slice(0, i).join(' ')
  const statement = firstClause(tokens.slice(i + 1).join(' ').replace(/^\([^)]*\)\s+/, ''))
  if (/^(and|or|but|to|for)\b/i.test(statement) || contentWords(statement).length === 0 || statement.length < 6 || statement.length > MAX_ANSWER_CHARS) return undefined
  return { kind: 'definition', term: subject, statement, relation: verb }
}

/** Arguments and operators in a command synopsis: `[path]`, `-n`, `>`, `|`, `*.txt`. */
const CODE_ARGUMENT = /^[[\]\-$<>|*?./{}'"!]/

/** "copies" → "copy", "matches" → "match", "counts" → "count": the verb after "does". */
export function baseVerb(verb: string): string {
  if (/ies$/.test(verb)) return verb.replace(/ies$/, 'y')
  if (/(ch|sh|ss|x|z|o)es$/.test(verb)) return verb.replace(/es$/, '')
  return verb.replace(/s$/, '')
}
