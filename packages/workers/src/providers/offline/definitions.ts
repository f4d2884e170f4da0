import { EXAMPLE_OF, GENERIC_TAIL, RELATIVE_HEAD } from '../../pipeline/card-lint.js'
import { EMPTY_HEADS, wordIndex } from './blanks.js'
import type { Sentence } from './nlp.js'

/**
 * Where a sentence defines a term, the term is the blank and the rest of the sentence is what the
 * learner recalls it from. Patterns, in the order they are tried:
 * - "X is called Y", "X is known as Y", "X are referred to as Y": the term is Y, asked as "What is X called?";
 * - "…, and the X is called Y", "what chemists call Y": the term is Y, as a cloze;
 * - "X, also known as Y," / "X (also called Y)": the term is Y;
 * - "X stands for Y": the term is X's expansion Y, asked as "What does X stand for?";
 * - "In D, a Y is a …", "A Y is a … that …", "Ys are … that …": the term is Y;
 * - "Y means …" / "Y refers to …" for a short, marked Y: the term is Y;
 * - "Y measures …", "Y is the study of …": the term is Y;
 * - "X should be 'Y', meaning that …": the term is Y.
 * "X is a well-studied example" defines nothing; "X is the most …" is a cloze, not "What is X?".
 * Every pattern is linear (no nested quantifiers) and anchored on the linking words.
 */
export interface Definition {
  term: string
  /** A question asking for the term, when the sentence's shape gives one that reads well. */
  question?: string
  /** The question's answer when it is not the term: what "What is X?" is answered with. */
  answer?: string
}

const CALLED =
  /^(.{6,100}?),?\s+(?:is|are|was|were)\s+(?:also\s+|usually\s+|often\s+|sometimes\s+)?(?:called|named|termed|known as|referred to as|said to be)\s+(?:an?\s+|the\s+|its\s+|their\s+)?(.{1,40}?)(?:\s+\([^)]{1,30}\))?(?=[.,;:]|\s+(?:and|or|because|which|that|in|by|for)\b|$)/
/** "…, and the attraction between them is called an ionic bond", "…, called an SHA", "what chemists call a sea of electrons": a term without a question. */
const CALLED_LATER =
  /(?:\b(?:is|are|was|were)\s+(?:also\s+|usually\s+|often\s+|sometimes\s+)?(?:called|named|termed|known as|referred to as|said to be)|,\s+(?:called|named|termed|known as)|\bwhat\s+[a-z]+\s+call|\b(?:an?|the|one)\s+(?:[a-z]+\s+){1,6}(?:called|named))\s+(?:an?\s+|the\s+|its\s+|their\s+)?(`[^`]+`|['"‘“][^.,;:()`'"‘’“”]{1,30}['"’”]|[^.,;:()`'"‘’“”]{1,40}?)(?=[.,;:]|\s+(?:and|or|because|which|that|where|when|to|with|in|by|for)\b|$)/
/** "Commits should be 'atomic', meaning that …": the quoted or single word before "meaning" is the term. */
const MEANING = /\s(?:is|are|should be|must be)\s+['"‘“]?([\w-]+(?:\s[\w-]+)?)['"’”]?,\s+(?:meaning|which means|that is,|i\.e\.)\s/
/** "Electronegativity measures how strongly …": the sentence says what its subject is for. */
const MEASURES = /^(?:(?:an?|the)\s+)?(`[^`]+`|[^\s,;:()]+(?:\s+[^\s,;:()]+){0,3})\s+(?:measures|quantifies|describes how|is defined as|is the study of)\s+\S/i
/** A predicate that identifies by rank ("the most electronegative element") makes a cloze, not a "What is X?". */
/** "the largest …", "the usual reference": a rank or a habit among others, not what the subject is. */
const SUPERLATIVE = /^(?:most|least|only|first|last|usual|normal|standard|preferred|default|commonest|(?:larg|small|high|low|fast|slow|strong|weak|great|long|short)est)\b/i
const ALSO_KNOWN = /\b(?:also known as|also called|aka|or simply)\s+(?:an?\s+|the\s+)?((?:`[^`]+`|[^\s,;:.)]+)(?:\s+[^\s,;:.)]+){0,3})/
const STANDS_FOR =
  /^(?:(?:In|According to|Under|By) [^,]{1,40},\s+)?(`[^`]+`|[A-Z][\w-]{1,15})\s+(?:stands for|is short for|is an abbreviation (?:for|of))\s+(?:an?\s+|the\s+)?([^.,;:()]{3,60})/
const IS_A = /^(?:(?:In|According to|Under|By) [^,]{1,40},\s+)?((?:an?|the)\s+)?(`[^`]+`|[^\s,;:()]+(?:\s+[^\s,;:()]+){0,3})\s+(is|are)\s+(?:an?|the|one of the|any)\s+\S/i
const MEANS = /^(?:(?:an?|the)\s+)?(`[^`]+`|[^\s,;:()]+(?:\s+[^\s,;:()]+){0,2})\s+(?:means|refers to|denotes|represents)\s+\S/i

/** "**Padding**: Transparent space between …", "*Margin* — space outside …": a glossary's term and what it is. */
const GLOSSARY = /^(`[^`]+`|[^:—–]{1,40}?)\s*(?::|\s[—–]\s)\s+(.{6,})$/

function glossaryEntry(sentence: Sentence, marked: Set<string>): Definition | undefined {
  const entry = GLOSSARY.exec(sentence.text)
  const term = entry?.[1]?.trim()
  if (!entry || !term || !marked.has(term.replace(/^`|`$/g, '').toLowerCase())) return undefined
  // "**Continent meets continent**: neither plate sinks …": a label holding a verb names a case, not a term.
  if (!term.startsWith('`') && holdsFiniteVerb(term, sentence)) return undefined
  const answer = predicateOf(entry[2]!, sentence, true)
  const first = sentence.tokens.find((token) => token.text === entry[2]!.split(/\s+/)[0])
  // "**Hypertension**: thresholds vary by guideline": a clause with a subject of its own says nothing of what the label is.
  if (answer && /^(?:NOUN|DET|ADJ|PROPN|NUM)$/.test(first?.pos ?? '') && holdsFiniteVerb(answer, sentence)) return undefined
  // A description that is a clause ("it copies …") or opens on a verb says what the term does, not what it is.
  if (!answer || GENERIC_TAIL.test(answer) || /^(?:VERB|AUX|PRON)$/.test(first?.pos ?? '')) return { term }
  return { term, question: `What is ${asked(term, sentence)}?`, answer }
}

/** Whether `phrase` holds a verb in a tense ("meets", "vary", "is"), not a participle ("deposited") or an infinitive ("to store"). */
function holdsFiniteVerb(phrase: string, sentence: Sentence): boolean {
  const inPhrase = new Set(phrase.split(/\s+/).map((word) => word.replace(/[^\p{L}'-]/gu, '')))
  return sentence.tokens.some((token, index) => {
    if (!inPhrase.has(token.text) || /^to$/i.test(sentence.tokens[index - 1]?.text ?? '')) return false
    if (token.pos === 'AUX') return true
    const word = token.text.toLowerCase()
    return token.pos === 'VERB' && !/(?:ing|ed|en)$/.test(word) && (word === token.lemma || (word.endsWith('s') && !word.endsWith('ss')))
  })
}

/** "The Mid-Atlantic Ridge is the classic example of a divergent boundary.": the example is the fact, asked by its category. */
const CLASSIC_EXAMPLE =
  /^(?:The\s+)?([^,;:()]{3,40}?)\s+is\s+the\s+(classic|best-known|typical|textbook|standard|best|most famous|most common)\s+example\s+of\s+([^,;:()]{3,60}?)\.?$/

/** "The main force is thought to be slab pull, …": the rank names nothing; what holds it is the term. */
const MAIN_ONE =
  /^The (?:main|primary|chief|principal|most important|dominant) [a-z]+(?: [a-z]+)? (?:is|are|was|were) (?:thought to be |believed to be |considered to be |probably )?([^,;:()]{3,40}?)(?=[,.]|$)/

/** "fourths, fifths and octaves": a list's commas close no inserted clause. */
const LIST = /^[^,]+(?:, [^,]+)+,? (?:and|or) [^,]+$/

/** Words that make a subject a pronoun, a clause or a judgement rather than a term. */
const NOT_A_TERM =
  /^(?:it|this|that|these|those|there|here|they|he|she|we|you|i|one|each|all|some|such|what|which|who|how|why|when|where|another|other|both|either|neither|every|any|much|many|most|more|few|several|the (?:first|second|third|fourth|fifth|last|next|main|only|best|idea|problem|answer|result|goal|point|reason|advantage|difference|key|trick|rule|way|thing|example|purpose|following))\b/i

/** The definition in a sentence, if it has one, with nouns checked by the parts of speech. */
export function definitionIn(sentence: Sentence, marked: Set<string>): Definition | undefined {
  const text = sentence.text
  const glossary = glossaryEntry(sentence, marked)
  if (glossary) return glossary
  const called = CALLED.exec(text)
  // "… is called the *refractive index* of that material": the marked term, not the words the pattern ran on to.
  if (called) called[2] = markedPrefix(called[2]!, marked) ?? called[2]!
  if (called && isTermPhrase(called[2]!, sentence, false)) {
    const described = asked(withoutAside(called[1]!), sentence)
    // "Pure water at 25 °C has a pH of 7 and is called neutral": a clause, not a noun phrase, before "and is called".
    const clause = /\s(?:and|or)$/.test(described)
    // An inserted clause ("X, made of Y,") closes with its comma before "called".
    const question =
      clause || !canAskAbout(described)
        ? undefined
        : `What ${/\bare\b/.test(called[0]) ? 'are' : 'is'} ${described}${described.includes(',') && !LIST.test(described) ? ',' : ''} called?`
    return { term: called[2]!, ...(question ? { question } : {}) }
  }
  const later = CALLED_LATER.exec(text)
  if (later && isTermPhrase(markedPrefix(later[1]!, marked) ?? later[1]!, sentence, false)) return { term: markedPrefix(later[1]!, marked) ?? later[1]! }
  const named = namedLast(sentence, marked)
  if (named) return named
  const meaning = MEANING.exec(text)
  if (meaning && isTermPhrase(meaning[1]!, sentence, false)) return { term: meaning[1]! }
  const also = ALSO_KNOWN.exec(text)
  if (also && isTermPhrase(also[1]!, sentence, false)) return { term: also[1]! }
  const appositive = appositiveIn(sentence, marked)
  if (appositive) return appositive
  const stands = STANDS_FOR.exec(text)
  if (stands) return { term: stands[2]!.trim(), question: `What does ${stands[1]} stand for?` }
  const example = CLASSIC_EXAMPLE.exec(text)
  if (example && isTermPhrase(example[1]!, sentence, false) && !NOT_A_TERM.test(text))
    return { term: example[1]!, question: `What is the ${example[2]!} example of ${example[3]!}?`, answer: example[1]! }
  const main = MAIN_ONE.exec(text)
  if (main && isTermPhrase(main[1]!, sentence, false)) return { term: main[1]! }
  const isA = IS_A.exec(text)
  // The subject before "is a / is the" is a noun phrase by its place: its shape is enough.
  // "The standard example is a surgeon who …": a subject whose head names nothing of its own is no term.
  if (isA && isTermPhrase(isA[2]!, sentence, false) && !NOT_A_TERM.test(text) && !EMPTY_HEADS.has(isA[2]!.split(/\s+/).pop()!.toLowerCase())) {
    const term = isA[2]!
    // The predicate, without its article: the match ends on its first character.
    const predicate = text.slice(isA.index + isA[0].length - 1)
    // "X is a well-studied example." names X without saying what it is: no definition.
    if (GENERIC_TAIL.test(predicate.split(/[,;:(]/)[0]!.trim()) || EXAMPLE_OF.test(predicate)) return undefined
    if (/\bthe\s+\S$/i.test(isA[0]) && SUPERLATIVE.test(predicate)) return { term }
    // Asked with its article: "What is an investigation?" → "A fair, documented inquiry …".
    const answer = predicateOf(text.slice(isA.index + isA[0].lastIndexOf(` ${isA[3]!} `) + isA[3]!.length + 2), sentence)
    if (!answer) return { term }
    return { term, question: `What ${isA[3]!.toLowerCase()} ${asked(`${(isA[1] ?? '').toLowerCase()}${term}`, sentence)}?`, answer }
  }
  const bare = bareDefinitionIn(sentence)
  if (bare) return bare
  const means = MEANS.exec(text)
  if (means && marked.has(means[1]!.toLowerCase()) && !NOT_A_TERM.test(text)) return { term: means[1]! }
  const measures = MEASURES.exec(text)
  if (measures && (marked.has(measures[1]!.toLowerCase()) || isTermPhrase(measures[1]!, sentence)) && !NOT_A_TERM.test(text)) return { term: measures[1]! }
  return undefined
}

/** The surface of the marked term `candidate` opens with, if one does: "refractive index of" → "refractive index". */
function markedPrefix(candidate: string, marked: Set<string>): string | undefined {
  const lower = candidate.toLowerCase()
  const term = [...marked].filter((known) => lower.startsWith(known) && !/[\p{L}\d]/u.test(lower.charAt(known.length))).sort((a, b) => b.length - a.length)[0]
  return term === undefined ? undefined : candidate.slice(0, term.length)
}

/** "The distance from the centre of a lens to its focal point is the *focal length*.": a description, then the marked term it names. */
const NAMED_LAST = /^(.{6,100}?)\s+(is|are)\s+(?:the|an?)\s+([^,;:()]{1,40}?)[.!]?$/

function namedLast(sentence: Sentence, marked: Set<string>): Definition | undefined {
  const match = NAMED_LAST.exec(sentence.text)
  if (
    !match ||
    !marked.has(match[3]!.toLowerCase()) ||
    marked.has(
      withoutAside(match[1]!)
        .replace(/^(?:the|an?)\s+/i, '')
        .toLowerCase(),
    )
  )
    return undefined
  const described = asked(withoutAside(match[1]!), sentence)
  // A description holding its own verb ("what happens when …") or a pointer is no name to ask about.
  if (!canAskAbout(described) || !/^(?:the|an?)\s/i.test(described) || sentence.tokens.some((token) => described.includes(` ${token.text} `) && /^(?:VERB|AUX)$/.test(token.pos)))
    return undefined
  return { term: match[3]!, question: `What ${match[2]!} ${described} called?` }
}

/** An opening phrase ("In *facilitated diffusion*, a channel …"): the comma after the term ends it, no description follows. */
const OPENING_PHRASE = /^(?:in|for|with|within|during|unlike|like|as|at|on|by|after|before|without)\s+(?:the\s+|an?\s+)?$/i

/**
 * "… bond to form *gluten*, a stretchy network that traps gas": a marked term followed by a noun
 * phrase that describes it, asked "What is gluten?" and answered by that phrase.
 */
function appositiveIn(sentence: Sentence, marked: Set<string>): Definition | undefined {
  const { text } = sentence
  for (const term of marked) {
    const at = wordIndex(text.toLowerCase(), term)
    if (at < 0 || OPENING_PHRASE.test(text.slice(0, at))) continue
    const rest = /^,\s+((?:an?|the)\s+(?:\S.*)?)$/i.exec(text.slice(at + term.length))?.[1]
    const answer = rest ? predicateOf(rest, sentence, true) : undefined
    // "…, a protein lets ions pass": a verb in the phrase makes it a clause, not a description.
    if (!answer || GENERIC_TAIL.test(answer) || verbBeforeRelative(answer, sentence)) continue
    const surface = text.slice(at, at + term.length)
    const article = /\b(the|an?)\s+$/i.exec(text.slice(0, at))?.[1]?.toLowerCase()
    return { term: surface, question: `What is ${article ? `${article} ` : ''}${asked(surface, sentence)}?`, answer }
  }
  return undefined
}

/**
 * "a reaction between sugars and amino acids that happens above …": an appositive too long with
 * its relative clause says what the term is without it, when at least five words remain and they
 * do not end on a preposition ("a security incident in which …").
 */
function withoutRelative(clause: string, sentence: Sentence): string {
  const words = clause.split(/\s+/)
  if (words.length <= 8) return clause
  const head = clause.split(/\s+(?:that|which|where|whose|who)\s/)[0]!
  const last = head.split(/\s+/).pop()
  const preposition = sentence.tokens.some((token) => token.text === last && token.pos === 'ADP')
  return head.split(/\s+/).length >= 5 && !preposition ? head : clause
}

/**
 * "the change of direction of light as it passes between materials …": a predicate too long with
 * its subordinate clause says what the subject is without it, when at least four words remain.
 */
function withoutSubordinate(clause: string): string {
  if (clause.split(/\s+/).length <= 8) return clause
  const head = clause.split(/\s+(?:as|when|whenever|because|if|while|so that|since)\s/)[0]!
  return head.split(/\s+/).length >= 4 ? head : clause
}

function verbBeforeRelative(phrase: string, sentence: Sentence): boolean {
  const head = phrase.split(/\s+(?:that|which|who|where|whose)\s/)[0]!.split(/\s+/)
  return head.some((word) => sentence.tokens.some((token) => token.text === word && ((token.pos === 'VERB' && !/ing$/.test(token.text)) || token.pos === 'AUX')))
}

/**
 * "Hyperinflation is extremely rapid inflation, …": a one-word subject and, without an article, a
 * noun phrase (an adverb, adjectives, a noun) as the predicate. "Lists are mutable" (an adjective
 * alone) says a property, not what the subject is.
 */
function bareDefinitionIn(sentence: Sentence): Definition | undefined {
  const [subject, verb, ...rest] = sentence.tokens
  if (!subject || !verb || !/^(?:NOUN|PROPN)$/.test(subject.pos) || !/^(?:is|are)$/.test(verb.text) || NOT_A_TERM.test(subject.text)) return undefined
  let index = 0
  if (rest[index]?.pos === 'ADV' && /ly$/.test(rest[index]!.text)) index++
  const adjectives = index
  while (rest[index]?.pos === 'ADJ') index++
  if (index === adjectives || rest[index]?.pos !== 'NOUN') return undefined
  while (rest[index + 1]?.pos === 'NOUN') index++
  // The noun phrase ends the clause: "is extremely rapid inflation, usually …", not "is good practice to …".
  if (!/^(?:PUNCT|ADP)$/.test(rest[index + 1]?.pos ?? 'PUNCT') || rest[index + 1]?.text === 'to') return undefined
  const answer = predicateOf(sentence.text.slice(sentence.text.indexOf(rest[0]!.text, subject.text.length + verb.text.length)), sentence)
  if (!answer || GENERIC_TAIL.test(answer)) return undefined
  return { term: subject.text, question: `What ${verb.text} ${asked(subject.text, sentence)}?`, answer }
}

/**
 * "a fair, documented inquiry into the facts, …" → "A fair, documented inquiry into the facts":
 * the predicate's first clause, at most 8 words; a comma after an adjective lists adjectives and
 * does not end it.
 */
const SERIES = /^,\s+(?:[\p{L}-]+,\s+)*[\p{L}-]+,?\s+(?:and|or)\s+[\p{L}-]+/u

function predicateOf(predicate: string, sentence: Sentence, shortened = false): string | undefined {
  const adjective = (word: string) => sentence.tokens.some((token) => token.text === word && token.pos === 'ADJ')
  let clause = ''
  for (const part of predicate.split(/(?=[,;:(]|\s[—–-]\s)/)) {
    const last = /([\p{L}-]+)\s*$/u.exec(clause)?.[1]
    // "used to encode, store, and retrieve information": a comma inside a series of single words ends nothing.
    const inSeries = SERIES.test(predicate.slice(clause.length))
    if (clause !== '' && !(part.startsWith(',') && ((last !== undefined && adjective(last)) || inSeries))) break
    clause += part
  }
  clause = clause.replace(/[.!\s]+$/, '')
  if (shortened) clause = withoutRelative(clause, sentence)
  clause = withoutSubordinate(clause)
  // "the central figure of this tradition": an answer that points elsewhere cannot stand alone (C9).
  if (/\b(?:this|these|those|its|their|it|they)\b/i.test(clause)) return undefined
  // "the object JavaScript uses to represent that "later"": a demonstrative "that" points back too.
  if (/\bthat\s+["“'‘]/i.test(clause)) return undefined
  const count = clause.split(/\s+/).filter(Boolean).length
  if (count < 2 || count > 8) return undefined
  return clause.charAt(0).toUpperCase() + clause.slice(1)
}

/** The subject as a question quotes it: a capital kept only on a name or an acronym ("Movement" → "movement", "Git" stays). */
function asked(subject: string, sentence: Sentence): string {
  const first = /^[A-Z][a-z]*\b/.exec(subject)?.[0]
  // "Immanuel Kant": two capitalised words are a name wherever they stand.
  if (!first || /^[A-Z][a-z]+ [A-Z]/.test(subject)) return subject
  const token = sentence.tokens.find((candidate) => candidate.text === first)
  const name = token?.pos === 'PROPN' && sentence.tokens[0]?.text !== first
  return name ? subject : first.toLowerCase() + subject.slice(first.length)
}

/** "for historical reasons, a bunch of commands" → "a bunch of commands": an opening aside is not the subject. */
function withoutAside(subject: string): string {
  return subject.replace(/^(?:for|in|on|at|by|with|from|as|to)\s[^,]{1,40},\s+/i, '')
}

/** A "What is X called?" reads well only when X is one plain noun phrase that names its own referent. */
function canAskAbout(described: string): boolean {
  if (/\b(?:is|are|what)\b/.test(described) || NOT_A_TERM.test(described) || RELATIVE_HEAD.test(described)) return false
  // "Three settings control this, and together they are called …": a clause with pointers of its own, not a description.
  if (/\b(?:this|these|those|they|them|it|we|you)\b|,\s(?:and|but|so)\b/i.test(described)) return false
  // "What is a stack called?": one plain noun says too little to pin down one answer (R2); the cloze keeps the sentence.
  if (/^(?:(?:an?|the)\s+)?[a-z-]+$/.test(described)) return false
  if (!/^[`a-z]/.test(described)) return false
  return !/^\w*ly\b|^(?:sometimes|often|usually|also|then|now|when|if|because|although|while|since|as|after|before|once|unless|until|where)\b/i.test(described)
}

const TERM_POS = new Set(['NOUN', 'PROPN', 'CODE', 'ADJ', 'NUM', 'X', 'PUNCT', 'SYM'])

/**
 * A term is code or a short noun phrase: no pronoun, and with `tagged`, no verb and ending on a
 * noun. After "is called" the words are a name by construction, and the small model often tags
 * them wrong ("a cell address/VERB"), so only their shape is checked there.
 */
export function isTermPhrase(phrase: string, sentence: Sentence, tagged = true): boolean {
  const trimmed = phrase.trim()
  if (trimmed === '' || NOT_A_TERM.test(trimmed)) return false
  if (/^`[^`]+`$/.test(trimmed)) return true
  const words = trimmed.split(/\s+/)
  if (words.length > 4) return false
  if (!tagged) return !words.some((word) => /^(?:is|are|was|were|be|that|which|who|and|or|by|to|in|it|they|them|he|she|we|you)$/i.test(word))
  const tags = words.map((word) => sentence.tokens.find((token) => token.text === word.replace(/[^\w-]+$/, ''))?.pos ?? 'X')
  const last = tags[tags.length - 1]
  // "price elasticity of demand": "of" may join two nouns inside a term.
  const inside = (index: number) => words[index]!.toLowerCase() === 'of' && index > 0 && index < words.length - 1
  return tags.every((tag, index) => TERM_POS.has(tag) || inside(index)) && (last === 'NOUN' || last === 'PROPN' || last === 'X' || last === 'CODE')
}

/** "This is a merge conflict: incompatible changes have been made to the same file.": the clause after the colon says what the named case is. */
const THIS_IS_CASE = /^(?:This|That|Such a case) is (?:called )?(an?|the) ([a-z][\w-]*(?: [a-z][\w-]*){0,3}): ([a-z][^:;]{12,110}?)\.?$/

/** The case a pointing sentence names and the clause that describes it, asked as "What is it called when …?". */
export function namedCase(sentence: Sentence): Definition | undefined {
  const found = THIS_IS_CASE.exec(sentence.text)
  if (!found) return undefined
  const [article, term, clause] = [found[1]!, found[2]!, found[3]!]
  // The description must be a clause of its own ("changes have been made"), not a noun phrase.
  if (!holdsFiniteVerb(clause, sentence) || /^(?:it|this|that|they|these|those)\b/.test(clause)) return undefined
  // "This is a utilitarian answer: …": an answer, a view or an example is a case of something else, not a named case.
  if (EMPTY_HEADS.has(term.split(' ').pop()!)) return undefined
  return { term, question: `What is it called when ${clause}?`, answer: `${article.charAt(0).toUpperCase()}${article.slice(1)} ${term}` }
}

/** "Non-steroidal anti-inflammatory drugs (NSAIDs)": a name followed by its abbreviation in parentheses. */
const EXPANSION = /((?:\p{L}[\p{L}-]*\s+){1,6}\p{L}[\p{L}-]*)\s+\((\p{Lu}[\p{Lu}\d]{1,7})s?\)/gu
const MINOR_WORDS = new Set(['of', 'and', 'for', 'the', 'in', 'on', 'to', 'a', 'an', 'with'])

/**
 * The abbreviation a sentence introduces and what it stands for, asked as "What does NSAID stand
 * for?": the expansion is the shortest tail of the words before the parentheses whose initials
 * (and those of its hyphenated parts) spell the abbreviation.
 */
export function abbreviationIn(text: string): Definition | undefined {
  for (const [, before, abbreviation] of text.matchAll(EXPANSION)) {
    const words = before!.split(/\s+/)
    for (let start = words.length - 1; start >= 0; start--) {
      const phrase = words.slice(start)
      const initials = phrase
        .filter((word) => !MINOR_WORDS.has(word.toLowerCase()))
        .flatMap((word) => word.split('-').filter(Boolean))
        .map((part) => part.charAt(0).toUpperCase())
        .join('')
      const plain = phrase
        .filter((word) => !MINOR_WORDS.has(word.toLowerCase()))
        .map((word) => word.charAt(0).toUpperCase())
        .join('')
      if (initials !== abbreviation && plain !== abbreviation) continue
      const expansion = phrase.join(' ')
      return { term: expansion, question: `What does ${abbreviation} stand for?`, answer: `${expansion.charAt(0).toUpperCase()}${expansion.slice(1)}` }
    }
  }
  return undefined
}
