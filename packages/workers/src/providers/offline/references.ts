import type { Analyser, Sentence, Token } from './nlp.js'

/**
 * Prose names its subject once and goes on with a pronoun ("Git is a version control system.
 * It was created in 2005 …"), or names a process after describing it ("Larger particles cross
 * with the help of carrier proteins. This is called facilitated diffusion."). A card stands
 * alone, so the pronoun becomes the subject it stands for, and the name is asked from the
 * description, but only where the sentence before gives both plainly.
 */

/** "It is easy to …", "It takes time", "It is the shell that …": a placeholder "it" that stands for no noun. */
const PLACEHOLDER_IT =
  /^It(?:'s| is| was| can be| may be| will be| would be| becomes| seems| appears)\s+(?:\w+\s+){0,3}(?:to|that|for|whether|if|when|who|how|why)\b|^It (?:takes|turns out|depends|follows|means|happens|helps|pays|makes sense)\b/i
const SUBJECT_TAGS = new Set(['DET', 'ADJ', 'NOUN', 'PROPN', 'CODE', 'NUM'])

/** The previous sentence's subject, when it is a plain noun phrase ("Active transport", "Short-term memory (STM)"). */
function subjectOf(sentence: Sentence): { text: string; plural: boolean; name: boolean } | undefined {
  const end = sentence.tokens.findIndex((token) => token.pos === 'VERB' || token.pos === 'AUX')
  if (end < 1 || end > 8) return undefined
  // "Short-term memory (STM) is …": the abbreviation after the name is no part of it.
  const open = sentence.tokens.findIndex((token) => token.text === '(')
  const phrase = sentence.tokens.slice(0, open > 0 && sentence.tokens[end - 1]?.text === ')' ? open : end)
  const head = phrase[phrase.length - 1]!
  const determiner = phrase.findIndex((token) => token.pos === 'DET')
  if (!phrase.every((token) => SUBJECT_TAGS.has(token.pos) || token.text === '-') || !['NOUN', 'PROPN', 'CODE'].includes(head.pos)) return undefined
  // Only an article may lead it: "Several conditions", "This rule" point elsewhere themselves.
  if (determiner > 0 || (determiner === 0 && !/^(?:the|a|an)$/i.test(phrase[0]!.text))) return undefined
  const verb = sentence.tokens[end]!.text
  const text = sentence.text.slice(0, sentence.text.indexOf(` ${verb} `)).replace(/\s*\([^()]*\)$/, '')
  if (!text.endsWith(head.text) || /[,;:()]/.test(text)) return undefined
  return { text, plural: head.pos === 'NOUN' && head.lemma !== head.text.toLowerCase(), name: head.pos !== 'NOUN' }
}

/**
 * "It was created in 2005 …" after "Git is a successful version control software." → "Git was
 * created in 2005 …"; "They …" after a plural subject likewise; "Its functions …" after a name.
 */
export function resolveLeadingPronoun(sentence: Sentence, previous: Sentence | undefined, analyse: Analyser): { sentence: Sentence; subject?: string } {
  // "Sometimes it is called working memory": an adverb may come first.
  const lead = /^(?:(Sometimes|Often|Usually|Typically|Generally|Normally|Also|Occasionally),? )?(It|They|Its|it|they|its)\s/.exec(sentence.text)
  const adverb = lead?.[1]
  const pronoun = lead?.[2]
  const next = sentence.tokens[adverb ? (sentence.tokens[1]?.text === ',' ? 3 : 2) : 1]
  if (!lead || !pronoun || !previous || PLACEHOLDER_IT.test(sentence.text.slice(adverb ? lead[0].length - pronoun.length - 1 : 0))) return { sentence }
  const kind = pronoun.toLowerCase()
  if (kind !== 'its' && (next === undefined || !isVerb(next))) return { sentence }
  const subject = subjectOf(previous)
  if (!subject || subject.plural !== (kind === 'they') || (kind === 'its' && !subject.name)) return { sentence }
  const named = kind === 'its' ? `${subject.text}'s` : subject.text
  // After an adverb the subject keeps its capital only when it is a name.
  const placed = adverb ? (subject.name ? named : named.charAt(0).toLowerCase() + named.slice(1)) : named.charAt(0).toUpperCase() + named.slice(1)
  const text = `${sentence.text.slice(0, lead[0].length - pronoun.length - 1)}${placed}${sentence.text.slice(lead[0].length - 1)}`
  // The subject is what the sentence before was about; this one's news is elsewhere, so it is never this one's blank.
  return { sentence: { text, tokens: analyse(text)[0]?.tokens ?? sentence.tokens }, subject: subject.text.replace(/^(?:the|an?)\s+/i, '') }
}

const isVerb = (token: Token) => token.pos === 'VERB' || token.pos === 'AUX'

const NAMED_AFTER =
  /^(?:(?:This|That|Such an? [a-z]+|This (?:[a-z]+ )?(?:process|effect|phenomenon|behaviou?r|technique|method|approach|property|situation|arrangement|practice|change|movement|state|condition|reaction|pattern|structure|balance)) (?:is|was) (?:called|known as|named|termed|referred to as)|(?:[A-Z][a-z]+ )?[A-Z]?[a-z]+s (?:call|name|term) (?:this|that)(?: [a-z]+)?) (?:an? |the )?([^,;:.()]{2,50})(?:\.$|,\s)/

/**
 * "This is called facilitated diffusion." after a sentence that describes it: the name asked
 * from the description ("What is it called when larger particles cross …?"), which the sentence
 * before states on its own.
 */
export function namedAfterDescription(
  sentence: Sentence,
  previous: string | undefined,
  names: ReadonlySet<string>,
): { term: string; question: string; statement: string } | undefined {
  const term = NAMED_AFTER.exec(sentence.text)?.[1]
  // The description must stand alone: "At that temperature, nuclei fuse" leans on a sentence further back.
  if (!term || !previous || !/\.$/.test(previous) || /\b(?:this|that|these|those|it|they|them)\b/i.test(previous)) return undefined
  const description = previous.slice(0, -1)
  // "Between 1760 and 1840, Britain changed …" names a time, not a process: "What is it called when between …?" reads wrong.
  if (/^(?:between|in|during|from|after|before|by|on|at|for|with|over|under|around|until|since)\b/i.test(description)) return undefined
  // The description's first word keeps its capital only when it is a name ("Git stores …").
  const lowered = names.has(description.split(/\s/)[0]!) ? description : description.charAt(0).toLowerCase() + description.slice(1)
  const question = `What is it called when ${lowered}?`
  if (question.length > 150) return undefined
  return { term, question, statement: `${previous} ${sentence.text}` }
}
