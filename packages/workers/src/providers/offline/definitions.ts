import type { Sentence } from './nlp.js'

/**
 * Where a sentence defines a term, the term is the blank and the rest of the sentence is what the
 * learner recalls it from. Patterns, in the order they are tried:
 * - "X is called Y", "X is known as Y", "X are referred to as Y": the term is Y, asked as "What is X called?";
 * - "X, also known as Y," / "X (also called Y)": the term is Y;
 * - "X stands for Y": the term is X's expansion Y, asked as "What does X stand for?";
 * - "In D, a Y is a …", "A Y is a … that …", "Ys are … that …": the term is Y;
 * - "Y means …" / "Y refers to …" for a short, marked Y: the term is Y.
 * Every pattern is linear (no nested quantifiers) and anchored on the linking words.
 */
export interface Definition {
  term: string
  /** A question asking for the term, when the sentence's shape gives one that reads well. */
  question?: string
}

const CALLED = /^(.{6,100}?),?\s+(?:is|are|was|were)\s+(?:also\s+|usually\s+|often\s+|sometimes\s+)?(?:called|named|termed|known as|referred to as)\s+(?:an?\s+|the\s+)?(.{1,40}?)(?:\s+\(([^)]{1,30})\))?(?=[.,;:]|\s+(?:and|or|because|which|that|in|by|for)\b|$)/
const ALSO_KNOWN = /\b(?:also known as|also called|aka|or simply)\s+(?:an?\s+|the\s+)?((?:`[^`]+`|[^\s,;:.)]+)(?:\s+[^\s,;:.)]+){0,3})/
const STANDS_FOR = /^(?:In [^,]{1,40},\s+)?(`[^`]+`|[A-Z][\w-]{1,15})\s+(?:stands for|is short for|is an abbreviation (?:for|of))\s+(?:an?\s+|the\s+)?([^.,;:]{3,60})/
const IS_A = /^(?:In [^,]{1,40},\s+)?((?:an?|the)\s+)?(`[^`]+`|[^\s,;:()]+(?:\s+[^\s,;:()]+){0,3})\s+(is|are)\s+(?:an?|the|one of the|any)\s+\S/i
const MEANS = /^(?:(?:an?|the)\s+)?(`[^`]+`|[^\s,;:()]+(?:\s+[^\s,;:()]+){0,2})\s+(?:means|refers to|denotes|represents)\s+\S/i

/** Words that make a subject a pronoun, a clause or a judgement rather than a term. */
const NOT_A_TERM = /^(it|this|that|these|those|there|here|they|he|she|we|you|i|one|each|all|some|such|what|which|who|how|why|when|where|another|other|both|either|neither|every|any|much|many|most|more|few|several|the (?:first|second|last|next|main|only|best|idea|problem|answer|result|goal|point|reason|advantage|difference|key|trick|rule|way|thing|example|purpose|following))\b/i

/** The definition in a sentence, if it has one, with nouns checked by the parts of speech. */
export function definitionIn(sentence: Sentence, marked: Set<string>): Definition | undefined {
  const text = sentence.text
  const called = CALLED.exec(text)
  if (called && isTermPhrase(called[2]!, sentence, false)) {
    const described = called[1]!.replace(/^(?:The|A|An)\s+/, (article) => article.toLowerCase())
    const question = /\b(is|are)\b/.test(described) || NOT_A_TERM.test(described) || !/^(?:the|an?|[`A-Z])/.test(described) || /^[A-Z]\w*ly\b|^(?:Sometimes|Often|Usually|Also|Then|Now|When|If|Because|Although|While|Since|As|After|Before|Once|Unless|Until|Where)\b/.test(described) ? undefined : `What ${/\bare\b/.test(called[0]) ? 'are' : 'is'} ${described} called?`
    return { term: called[2]!, ...(question ? { question } : {}) }
  }
  const also = ALSO_KNOWN.exec(text)
  if (also && isTermPhrase(also[1]!, sentence, false)) return { term: also[1]! }
  const stands = STANDS_FOR.exec(text)
  if (stands) return { term: stands[2]!.trim(), question: `What does ${stands[1]} stand for?` }
  const isA = IS_A.exec(text)
  // The subject before "is a / is the" is a noun phrase by its place: its shape is enough.
  if (isA && isTermPhrase(isA[2]!, sentence, false) && !NOT_A_TERM.test(text)) {
    const term = isA[2]!
    const asked = `${(isA[1] ?? '').toLowerCase()}${term}`
    return { term, question: `What ${isA[3]!.toLowerCase()} ${/^[A-Z][a-z]+\b/.test(asked) && !/^[A-Z][a-z]*[A-Z]/.test(asked) ? asked.charAt(0).toLowerCase() + asked.slice(1) : asked}?` }
  }
  const means = MEANS.exec(text)
  if (means && marked.has(means[1]!.toLowerCase()) && !NOT_A_TERM.test(text)) return { term: means[1]! }
  return undefined
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
  if (!tagged) return !words.some((word) => /^(?:is|are|was|were|be|that|which|who|and|or|by|to|of|in)$/i.test(word))
  const tags = words.map((word) => sentence.tokens.find((token) => token.text === word.replace(/[^\w-]+$/, ''))?.pos ?? 'X')
  const last = tags[tags.length - 1]
  return tags.every((tag) => TERM_POS.has(tag)) && (last === 'NOUN' || last === 'PROPN' || last === 'X' || last === 'CODE')
}
