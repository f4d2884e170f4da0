import type { MarkedTerm } from '../../pipeline/inline-markup.js'
import { WEAK_VERBS, isWeakBlank, leaksStem } from '../../pipeline/card-lint.js'
import { words } from '../../pipeline/text.js'
import type { Sentence, Token } from './nlp.js'
import { quantityIn } from './quantities.js'

/** How good a blank is, best first: a term the author marked, code, a number, a noun phrase. */
export type BlankKind = 'term' | 'code' | 'number' | 'phrase'

export interface Blank {
  text: string
  kind: BlankKind
}

const MARK_ORDER: Record<MarkedTerm['mark'], number> = { bold: 0, glossary: 1, italic: 2, code: 3 }
/** Nouns too generic to be what a learner recalls: "the way", "a number of", "an example". */
export const GENERIC_NOUNS = new Set(
  `way ways thing things example examples lot lots number kind kinds type types part parts time times case cases use uses people person
  one ones something anything everything bit point points fact idea ideas end start beginning rest place places question questions
  answer answers reason reasons problem problems result results step steps word words line lines name names option options amount set
  sort form order look addition instance detail details information data lesson episode chapter section exercise course tutorial
  change changes work progress version versions item items value values member members group groups area areas other others command commands variety sense purpose purposes
  operation operations process processes procedure procedures method methods technique techniques
  project projects file files feature features folder folders directory code software tool tools user users limitation limitations
  collaborator collaborators contributor contributors vice versa issue issues task tasks matter matters
  bottom top side sides front back inside outside middle edge study studies experiment experiments`.split(/\s+/),
)
/** Fixed phrases whose noun names nothing: "by default", "in practice", "on average". */
const IDIOM =
  /(?:^|\s)(?:by (?:default|hand|far)|in (?:general|practice|fact|particular|total|turn|time|short|brief|addition|contrast|theory|detail|common|advance|place|order)|on (?:average|time|purpose)|at (?:least|most|first|last|times|once))$/

/**
 * Heads that name no thing of their own: "the standard {{example}}", "the Greek {{word}}". Unlike
 * the generic nouns above, these stay empty in a compound ("personal data", "tax forms" do not).
 */
export const EMPTY_HEADS = new Set(
  `way ways thing things example examples lot lots number kind kinds type types sort sorts part parts case cases one ones something anything
  everything bit point points fact idea ideas end start beginning rest place question questions answer answers reason reasons problem problems
  word words amount addition instance detail details variety sense purpose purposes matter matters issue issues
  bottom top side sides front back inside outside middle edge study studies experiment experiments`.split(/\s+/),
)
/** "{{Economists}} distinguish …", "{{historians}} estimate": who says a thing is seldom the thing to recall. */
const PEOPLE = /^\p{L}{3,}(?:ists|ians)$/iu
const PHRASE_POS = new Set(['ADJ', 'NOUN', 'PROPN'])
/** Adjectives that count or judge rather than describe: never part of a blank. */
const QUANTIFIERS = new Set(
  'several some many few various such other own same certain particular significant main much more most less least first second third last next whole entire different typical usual numerous multiple individual valid useful corresponding specific single separate classic famous well-known recent landmark good bad better best poor great nice'.split(
    ' ',
  ),
)
const MAX_BLANK_WORDS = 4
/**
 * The blank of a sentence, or none when no word of it is worth hiding (R5). Best first: a term
 * the author marked in this sentence, its code, a term marked elsewhere in the module (`known`:
 * "Strings are immutable" after "*immutable*" was defined), a number, a noun phrase.
 */
export function chooseBlank(
  sentence: Sentence,
  marked: MarkedTerm[],
  known: MarkedTerm[] = [],
  topic: ReadonlySet<string> = new Set(),
  /** A phrase that is no blank here: the subject a leading pronoun stood for. */
  avoid?: string,
): Blank | undefined {
  const candidates: Blank[] = [...termBlanks(sentence, marked)]
  // A formula ("$\mu$") is notation, not a name to recall.
  for (const token of sentence.tokens) if (token.pos === 'CODE' && !token.text.startsWith('$')) candidates.push({ text: token.text, kind: 'code' })
  // "Fisher v Bell", "Thomas v Thomas": a case name is one name, cited as the authority for its rule, before a term known from elsewhere.
  for (const name of sentence.text.match(/\b[A-Z][\w'’]+(?: [A-Z][\w'’]+)? v\.? [A-Z][\w'’]+(?: [A-Z][\w'’]+)?/g) ?? [])
    candidates.push({ text: name.replace(/^(?:In|On|At|By|As|See|Under|From|Since|After|Before|The|An?)\s+/, ''), kind: 'phrase' })
  const quantity = quantityIn(sentence.text)
  if (quantity) candidates.push({ text: quantity, kind: 'number' })
  // A term known from elsewhere that only modifies a noun here ("the sample size") is not the point.
  candidates.push(...termBlanks(sentence, known).filter((blank) => !modifiesNoun(sentence, blank.text) && !isModified(sentence, blank.text)))
  // "You must commit any work in progress": the action a rule demands is what to recall, when it
  // is one the lesson's code performs or its text keeps naming; "should explain what you did" is no such action.
  const demanded = /\b(?:must|should|need to)\s+([a-z]{4,})\b/.exec(sentence.text)?.[1]
  if (demanded && topic.has(demanded) && sentence.tokens.some((token) => token.text === demanded && token.pos === 'VERB')) candidates.push({ text: demanded, kind: 'phrase' })
  const predicate = predicateAdjective(sentence.tokens)
  if (predicate) candidates.push({ text: predicate, kind: 'phrase' })
  const terms = [...marked, ...known].map((term) => term.text.toLowerCase())
  // A phrase inside a marked term ("quantity" of "quantity supplied") would split it.
  const phrases = nounPhrases(sentence.tokens).filter(
    (text) =>
      !actsAsVerb(sentence.tokens, text) &&
      !headOfOf(sentence.text, text) &&
      !PEOPLE.test(text) &&
      !terms.some((term) => term !== text.toLowerCase() && containsWord(term, text.toLowerCase()) && containsWord(sentence.text.toLowerCase(), term)),
  )
  // A phrase the chunk keeps coming back to, or the sentence is about, before one said in passing ("An {{index}} makes it easier for the database …").
  // "The rules apply …" points back at rules named before; "An index makes …", "Wildcards are …" state a general fact.
  const opening = /^(?:an?\s+)?(?!the\s)(.+)$/i.exec(sentence.text)?.[1] ?? ''
  const salient = (text: string) => /\s/.test(text) || topic.has(topicStem(text)) || opening.startsWith(text)
  // "ends its life as a white dwarf, a hot, dense core …": the phrase an appositive describes is the term it defines.
  const described = (text: string) => sentence.text.includes(`${text}, a `) || sentence.text.includes(`${text}, an `)
  // One of a pair ("for text or presentation documents") comes last: it hides half of what the sentence names.
  const whole = phrases.filter((text) => !halfOfPair(sentence.text, text))
  const ordered = [
    ...whole.filter(described),
    ...whole.filter((text) => !described(text) && salient(text)),
    ...whole.filter((text) => !described(text) && !salient(text)),
    ...phrases.filter((text) => !whole.includes(text)),
  ]
  candidates.push(...ordered.map((text) => ({ text, kind: 'phrase' as const })))
  // A path or a file name in code is the example's own data, not something to recall (C15).
  const verbs = new Set(sentence.tokens.filter((token) => token.pos === 'VERB' || token.pos === 'AUX').map((token) => token.text))
  // "**Hypertension**: thresholds vary …": a label before a clause of its own is the context, not the fact (a glossary's definitions never get here).
  const label = /^([^:]{1,60}):\s/.exec(sentence.text)?.[1]
  const worth = candidates.filter(
    (blank) =>
      !(blank.kind === 'term' && blank.text === label) &&
      (blank.kind !== 'code' || !/\/|^`[\w-]+\.\w{2,4}`$/.test(blank.text)) &&
      (avoid === undefined || !containsWord(avoid.toLowerCase(), blank.text.toLowerCase())),
  )
  return worth.find(
    (blank) =>
      isGoodBlank(blank, sentence) && !enumerated(sentence.text, blank, verbs) && !(blank.kind === 'phrase' || blank.kind === 'number' ? aside(sentence.text, blank.text) : false),
  )
}

/**
 * "… include KDiff3, Beyond Compare, Meld, and {{P4Merge}}": one item of a list of four or more
 * is an arbitrary pick, and "Commonly used {{tools}} include …" is the category its items give
 * away (R7). A marked term or code outside the list may still be the blank.
 */
function enumerated(text: string, blank: Blank, verbs: ReadonlySet<string>): boolean {
  const parts = text
    .replace(/[.!]$/, '')
    // "up to and including dismissal" is one phrase, no list.
    .replace(/\bup to and including\b/gi, 'up to including')
    .split(/,\s*|;\s*|:\s*|\s(?=(?:and|or)\s)/)
    // "`$1`, `$2`, etc., refer to …": "etc." closes an open series; it is no item of it.
    .filter((part) => !/^(?:etc\.?|and so on|and so forth)$/i.test(part.trim()))
  const items = parts.map((part) => part.replace(/^(?:and|or)\s+/, '').trim())
  const short = (item: string | undefined) => item !== undefined && item.split(/\s+/).length <= 3
  let longest = 0
  let inList = false
  for (let first = 0; first < items.length; first++) {
    let last = first
    while (short(items[last + 1])) last++
    // "Table salt, water and {{copper wire}} owe …": the item after "and" that closes the run runs on into the clause after the list.
    const tail = last > first && /^(?:and|or)\s/.test(parts[last + 1]?.trim() ?? '') ? items[last + 1] : undefined
    // "… include spelt, rye, …": the list's first item ends the lead-in before it.
    const size = last - first + 1 + (short(items[first]) && first > 0 ? 1 : 0) + (tail === undefined ? 0 : 1)
    const member =
      items.slice(first, last + 1).some((item) => item === blank.text || item.endsWith(` ${blank.text}`)) ||
      (tail !== undefined && (tail === blank.text || tail.startsWith(`${blank.text} `)))
    // One of three or more things is a pick, not the fact; three values ("3.44, 3.16 and 3.04") may each be one.
    if (member && size >= (blank.kind === 'phrase' ? 3 : 4)) inList = true
    longest = Math.max(longest, size)
    first = last
  }
  const at = Math.max(0, wordIndex(text, blank.text))
  // "Many other {{functions}} like `COALESCE`": the category its examples give away.
  // A compound is a name worth recalling from its examples ("{{logical connectors}} such as AND or OR").
  // "Common {{aggregations}} include `mean`, `median`, …": a term before a list of its members is given away too.
  const examples = /^\s+(?:like|such as|including|includes?|e\.g\.)\s/.test(text.slice(at + blank.text.length))
  const category = examples && blank.kind !== 'code' && ((blank.kind === 'phrase' && !/\s/.test(blank.text)) || longest >= 4)
  return inList || (longest >= 4 && (blank.kind === 'phrase' || blank.kind === 'number')) || category || exampleOf(text.slice(0, at), verbs)
}

/** "An aggregation such as {{`mean`}} or `sum`": an example is one pick of many, not the fact (R7). */
const EXAMPLE_LEAD = /\b(?:such as|like|e\.g\.|for example|for instance|including),?\s((?:[^;:.()]|\.(?=\d)){0,40})$/i

/** "A star like the Sun ends its life as a {{white dwarf}}": a verb after the example ends it. */
function exampleOf(before: string, verbs: ReadonlySet<string>): boolean {
  const lead = EXAMPLE_LEAD.exec(before)
  return lead !== null && !lead[1]!.split(/\s+/).some((word) => verbs.has(word))
}

/**
 * A concession or a reason the sentence opens with ("Although SQL reads like English, …",
 * "Because demand curves slope downwards, …") is not what it teaches: its main clause is.
 */
const CONCESSION = /^(?:Although|Though|Even though|While|Whereas|Because)\b[^,]{0,120},/

/** Verbs that report what someone says or thinks. */
const REPORTING_VERBS = 'say|says|said|reply|replies|replied|argue|argues|argued|claim|claims|claimed|think|thinks|believe|believes|hold|holds|insist|insists|suggest|suggests'
const REPORTING = new RegExp(`^(?:${REPORTING_VERBS})$`, 'i')
const REPORTED_THAT = new RegExp(`^\\s+(?:${REPORTING_VERBS})\\s+that\\b`, 'i')

/** A condition the sentence opens with: "If the graph is pressed against its right edge, …". */
const CONDITION_LEAD = /^(?:If|When|Whenever|Once|Unless|Until|As soon as)\b[^,]{0,120},/

/**
 * Words in parentheses ("(for example, Feature A-1)") are an aside or the example's own data;
 * words in an opening concession are not the point either.
 */
function aside(text: string, phrase: string): boolean {
  const at = wordIndex(text, phrase)
  // "Fisher v Bell [1961]": a citation in square brackets is the source's data, like words in parentheses.
  const within = (open: string, close: string) => text.lastIndexOf(open, at) >= 0 && text.lastIndexOf(close, at) < text.lastIndexOf(open, at)
  if (within('(', ')') || within('[', ']')) return true
  const concession = CONCESSION.exec(text)
  return concession !== null && at < concession[0].length
}

function termBlanks(sentence: Sentence, terms: MarkedTerm[]): Blank[] {
  const blanks: Blank[] = []
  // "*Comer* becomes *comí*": of two terms marked alike, the one the predicate states is the news; the subject is what it is said of.
  const verb = sentence.text.search(/\s(?:is|are|was|were|becomes?|became|has|have|means?|gives?|makes?|takes?|uses?|returns?)\s/)
  const predicate = (term: MarkedTerm) => (verb > 0 && sentence.text.toLowerCase().indexOf(term.text.toLowerCase(), verb) > verb ? 0 : 1)
  for (const term of [...terms].sort((a, b) => MARK_ORDER[a.mark] - MARK_ORDER[b.mark] || predicate(a) - predicate(b))) {
    const text = term.mark === 'code' ? `\`${term.text}\`` : term.text
    // "Facilitated diffusion" opens a sentence as "facilitated diffusion" stands in the text; "block boxes" is "block box".
    const found = term.mark === 'code' ? termAt(sentence.text, text) : termAt(sentence.text.toLowerCase(), text.toLowerCase())
    if (!found) continue
    const surface = sentence.text.slice(found.at, found.at + found.length)
    if (term.mark === 'italic' && !isNounLike(surface, sentence)) continue
    // Bold on a whole instruction ("**Summarise the changes your commit contains**") marks no term.
    if (term.mark === 'bold' && holdsVerb(surface, sentence)) continue
    blanks.push({ text: surface, kind: term.mark === 'code' ? 'code' : 'term' })
  }
  return blanks
}

function isGoodBlank(blank: Blank, sentence: Sentence): boolean {
  // A marked term or a compound quantity ("twelve hours and twenty-five minutes") is one answer of a few more words.
  if (isWeakBlank(blank.text) || blank.text.split(/\s+/).length > MAX_BLANK_WORDS + (blank.kind === 'term' || blank.kind === 'number' ? 2 : 0)) return false
  // "{{C}} up to E is a major third": a single letter in prose is a label of the example, not its fact.
  if (blank.kind !== 'code' && /^\p{L}$/u.test(blank.text)) return false
  // A phrase holding a linking verb the model read as a noun ("chemists call") is no term.
  if (blank.kind === 'phrase' && words(blank.text).some((word) => WEAK_VERBS.has(word))) return false
  const at = wordIndex(sentence.text, blank.text)
  if (at < 0) return false
  // "{{Defenders reply}} that …", "{{Critics}} argue that …": who says a thing is not what is said.
  if (blank.kind === 'phrase' && (REPORTING.test(blank.text.split(/\s+/).pop()!) || REPORTED_THAT.test(sentence.text.slice(at + blank.text.length)))) return false
  // "If a {{heap}} is too wet, it runs out of oxygen": a plain noun of the condition sets the scene; the main clause teaches.
  if (blank.kind === 'phrase' && at < (CONDITION_LEAD.exec(sentence.text)?.[0].length ?? 0)) return false
  // "By {{default}}", "in {{practice}}": a word of a fixed phrase is no term.
  if (blank.kind === 'phrase' && IDIOM.test(`${sentence.text.slice(Math.max(0, at - 4), at)}${blank.text}`.toLowerCase())) return false
  // "Several {{conditions}} came together", "Some {{adjectives}} mean …": a vague count of a class names none of its members.
  if (blank.kind === 'phrase' && /\b(?:several|some|many|various|certain|a few|few|numerous|most|other)\s+(?:[\w-]+\s+)?$/i.test(sentence.text.slice(0, at))) return false
  // "from {{one month}} to the next": a count in a fixed phrase is no fact.
  if (/^\s+to (?:the next|another)\b/.test(sentence.text.slice(at + blank.text.length))) return false
  // "whatever their {{consequences}}": a phrase owned by a pronoun's referent hides half a reference.
  if (blank.kind === 'phrase' && /\b(?:their|its|his|her)\s+(?:[\w-]+\s+){0,2}$/i.test(sentence.text.slice(0, at))) return false
  // "Git's {{functions}}": one plain noun its owner's name qualifies says little; "Arkwright's {{water frame}}" names a thing.
  if (blank.kind === 'phrase' && !/\s/.test(blank.text) && /['’]s\s+$/.test(sentence.text.slice(0, at))) return false
  // "the {{denser}} oceanic plate": a word before an adjective and its noun modifies them, whatever the model tagged it.
  const last = blank.text.split(/\s+/).pop()
  const end = sentence.tokens.findIndex((token, index) => index > 0 && token.text === last)
  if (blank.kind === 'phrase' && sentence.tokens[end + 1]?.pos === 'ADJ' && sentence.tokens[end + 2]?.pos === 'NOUN') return false
  // "the `width` {{property}}", "The {{pattern}} `*.csv` matches …": a noun that labels the code beside it is not the fact.
  if (blank.kind === 'phrase' && (/`\s+$/.test(sentence.text.slice(0, at)) || /^\s+`/.test(sentence.text.slice(at + blank.text.length)))) return false
  const front = `${sentence.text.slice(0, at)}{{c1::${blank.text}}}${sentence.text.slice(at + blank.text.length)}`
  return !leaksStem({ type: 'cloze', front, back: blank.text })
}

/**
 * Noun phrases, best first: runs of adjectives and nouns ending on a noun, without a leading
 * vague adjective; compounds and proper names before single common nouns, longer before shorter.
 */
export function nounPhrases(tokens: Token[]): string[] {
  const phrases: { text: string; score: number }[] = []
  let run: Token[] = []
  let halved = false
  const close = () => {
    if (halved) run = []
    halved = false
    while (run.length > 0 && run[run.length - 1]!.pos === 'ADJ') run.pop()
    while (run.length > 0 && run[0]!.pos === 'ADJ' && run.length > 2) run.shift()
    const nouns = run.filter((token) => token.pos !== 'ADJ')
    // The lemma and the word itself: the model lemmatises "data" to "datum".
    const generic = (token: Token) => GENERIC_NOUNS.has(token.lemma) || GENERIC_NOUNS.has(token.text.toLowerCase())
    // "the standard {{example}}", "the Greek {{word}}": a phrase whose head is generic names nothing to recall.
    const head = run[run.length - 1]
    if (nouns.length > 0 && run.length <= MAX_BLANK_WORDS && !nouns.every(generic) && !EMPTY_HEADS.has(head!.lemma) && !EMPTY_HEADS.has(head!.text.toLowerCase())) {
      // The model tags any capitalised first word a name ("Water and methane"): no bonus for it.
      const named = nouns.some((token) => token.pos === 'PROPN' && token !== tokens[0])
      const score = nouns.length * 2 + (named ? 2 : 0) + Math.min(run.map((t) => t.text).join('').length, 16) / 8
      phrases.push({ text: run.map((token) => token.text).join(' '), score })
    }
    run = []
  }
  const verbs = hiddenVerbs(tokens)
  tokens.forEach((token, index) => {
    if (verbs.has(index)) token = { ...token, pos: 'VERB' }
    // A capitalised first word is tagged PROPN by the small model ("Small uncharged molecules"): describe, not name.
    if (index === 0 && token.pos === 'PROPN' && PHRASE_POS.has(tokens[1]?.pos ?? '')) token = { ...token, pos: 'ADJ' }
    // A comparative ("a chewier loaf") compares with another sentence's thing: no part of a blank.
    // Nor a superlative ("The {{highest magistrates}} were the two consuls"): the rank is not the thing.
    const comparative = token.pos === 'ADJ' && /(?:er|est)$/i.test(token.text) && token.lemma !== token.text.toLowerCase()
    // "simple tasks like/NOUN creating": a preposition the model read as a noun ends the phrase.
    const preposition = /^(?:like|unlike|as|than|via|per|versus|vs)$/i.test(token.text)
    const word = PHRASE_POS.has(token.pos) && /^\p{L}[\p{L}\p{N}'-]*$/u.test(token.text) && !QUANTIFIERS.has(token.text.toLowerCase()) && !comparative && !preposition
    // A name after a plural noun starts another phrase: "For almost five centuries | Rome was governed".
    if (word && token.pos === 'PROPN' && run.length > 0 && run[run.length - 1]!.pos === 'NOUN' && /[^s]s$/.test(run[run.length - 1]!.text)) close()
    // An adjective after a noun starts another phrase: "files | consistent names".
    if (word && token.pos === 'ADJ' && run.some((earlier) => earlier.pos !== 'ADJ')) close()
    // "Clear and concise comments": a phrase after "<adjective> and" would hide half its description.
    // (The model reads a capitalised first word as a name: "Clear/PROPN and concise".)
    if (word && run.length === 0 && tokens[index - 1]?.pos === 'CCONJ' && (tokens[index - 2]?.pos === 'ADJ' || index === 2)) halved = true
    if (word) run.push(token)
    else {
      // "{{Clear}} and concise comments": the first of two joined adjectives is no phrase either.
      if (token.pos === 'CCONJ' && tokens[index + 1]?.pos === 'ADJ') halved = true
      close()
    }
  })
  close()
  return phrases.sort((a, b) => b.score - a.score).map((phrase) => phrase.text)
}

/**
 * Nouns the small model got wrong, by their place between nouns: after a plural noun and before
 * a noun ("proteins bind signal molecules"), or an -s word between a singular noun and a noun
 * ("transport moves substances") or code; or between a noun and an article ("two atoms share a pair"):
 * in English that middle word is the verb.
 */
export function hiddenVerbs(tokens: Token[]): Set<number> {
  const verbs = new Set<number>()
  // "neither one sinks": a pronoun-like "one" stands where a noun subject would.
  const noun = (token: Token | undefined) => token !== undefined && (token.pos === 'NOUN' || token.pos === 'PROPN' || token.text.toLowerCase() === 'one')
  const plural = (token: Token) => /[^su]s$/i.test(token.text)
  for (let i = 1; i + 1 < tokens.length; i++) {
    const [before, token, after] = [tokens[i - 1]!, tokens[i]!, tokens[i + 1]!]
    if (!noun(before) || !(noun(token) || token.pos === 'ADJ')) continue
    // Before code, only an -s word after a singular noun: "your branch tracks `origin/main`".
    // "Magma rises up": an -s word between a noun and a particle is the verb too.
    const particle = /^(?:up|down|out|off|away|back|apart|over)$/i.test(after.text) && plural(token) && !plural(before)
    // "Vertical margins between block elements collapse.": a base form ending a clause after a plural noun.
    // "… outliers that a single number hides.": in a relative clause, an -s word after a singular noun, ending it.
    const relative = plural(token) && !plural(before) && tokens.slice(Math.max(0, i - 4), i - 1).some((word) => /^(?:that|which)$/i.test(word.text))
    const last = /^[.;]$/.test(after.text) && token.pos === 'NOUN' && ((plural(before) && !plural(token)) || relative)
    const verb = noun(after)
      ? plural(before) !== plural(token)
      : /^(?:a|an|the)$/i.test(after.text) || (after.pos === 'CODE' && plural(token) && !plural(before)) || particle || last
    if (verb) verbs.add(i)
  }
  return verbs
}

/**
 * A one-word "noun" that takes an object ("combines their changes", "undoing the whole commit")
 * or pairs with a verb ("identify, access and compare versions") is a verb the small model
 * mis-tagged: hiding it would hide an action (C1).
 */
function actsAsVerb(tokens: Token[], phrase: string): boolean {
  if (/\s/.test(phrase)) return false
  const at = tokens.findIndex((token) => token.text === phrase)
  const next = tokens[at + 1]
  if (at < 0 || !next) return false
  if (next.pos === 'DET' || (next.pos === 'PRON' && /^(?:their|its|his|her|your|our|my|them|it)$/i.test(next.text))) return true
  return next.pos === 'CCONJ' && tokens[at + 2]?.pos === 'VERB'
}

/** "The law of supply": a one-word head before "of" is half a name; hiding it leaves the rest as the clue. */
function headOfOf(text: string, phrase: string): boolean {
  if (/\s/.test(phrase)) return false
  const at = wordIndex(text, phrase)
  return at >= 0 && /^\s+of\s/.test(text.slice(at + phrase.length))
}

/** "Your main branch should always be {{stable}}.": an adjective that is the whole predicate of "be" is what the sentence says. */
function predicateAdjective(tokens: Token[]): string | undefined {
  // "Lists are mutable, while strings are immutable": with a second clause, the last adjective is only half of it.
  if (tokens.some((token) => token.text === ',' || token.text === ';')) return undefined
  const words = tokens.filter((token) => token.pos !== 'PUNCT')
  const last = words[words.length - 1]
  let at = words.length - 2
  while (words[at]?.pos === 'ADV' && !/^not$/i.test(words[at]!.text)) at--
  return last?.pos === 'ADJ' && /^(?:be|is|are|remain|remains|stay|stays)$/i.test(words[at]?.text ?? '') && words[at - 1]?.pos !== 'PRON' ? last.text : undefined
}

/** "for text or {{presentation documents}}": one of a pair joined by "or"/"and" hides half of what the sentence names. */
function halfOfPair(text: string, phrase: string): boolean {
  const at = wordIndex(text, phrase)
  return at >= 0 && (/[\p{L}\d]\s+(?:or|and)\s+$/u.test(text.slice(0, at)) || /^\s+(?:or|and)\s+[\p{L}\d]/u.test(text.slice(at + phrase.length)))
}

function modifiesNoun(sentence: Sentence, phrase: string): boolean {
  const last = phrase.split(/\s+/).pop()
  const at = sentence.tokens.findIndex((token, index) => token.text === last && sentence.tokens[index + 1]?.pos === 'NOUN')
  return at >= 0
}

/** "A neap {{tide}} has …": a known term with a describing word before it is part of a narrower term, which it would cut in two. */
function isModified(sentence: Sentence, phrase: string): boolean {
  const first = phrase.split(/\s+/)[0]
  const at = sentence.tokens.findIndex((token) => token.text === first)
  const before = sentence.tokens[at - 1]
  // "As a general rule acceptance must …": a noun that ends a phrase of its own modifies nothing.
  const opensPhrase = at < 2 || /^(?:DET|ADP|PUNCT|PRON|CCONJ|SCONJ|VERB|AUX)$/.test(sentence.tokens[at - 2]!.pos)
  return before !== undefined && opensPhrase && (/^(?:NOUN|PROPN)$/.test(before.pos) || (before.pos === 'ADJ' && !QUANTIFIERS.has(before.lemma) && !isWeakBlank(before.text)))
}

function holdsVerb(text: string, sentence: Sentence): boolean {
  const termWords = text.split(/\s+/)
  return termWords.length > 1 && termWords.some((word) => sentence.tokens.some((token) => token.text === word && (token.pos === 'VERB' || token.pos === 'AUX')))
}

function isNounLike(text: string, sentence: Sentence): boolean {
  const words = text.split(/\s+/)
  if (words.length > MAX_BLANK_WORDS) return false
  const last = sentence.tokens.find((token) => token.text === words[words.length - 1])
  return last !== undefined && (last.pos === 'NOUN' || last.pos === 'PROPN')
}

/** Index of `phrase` as whole words in `text`, or -1. */
export function wordIndex(text: string, phrase: string): number {
  let from = 0
  for (;;) {
    const at = text.indexOf(phrase, from)
    if (at < 0) return -1
    const before = text[at - 1] ?? ' '
    const after = text[at + phrase.length] ?? ' '
    // A hyphen or a backtick glues words: "single-purpose", "`ls path`" are one word each.
    if (!/[\p{L}\p{N}`-]/u.test(before) && !/[\p{L}\p{N}`]/u.test(after) && !(after === '-' && /\w/.test(text[at + phrase.length + 1] ?? ''))) return at
    from = at + 1
  }
}

/** How the chunk's vocabulary (`topic`) is keyed: lower case, without -s, -es, -ed or -ing. */
export function topicStem(word: string): string {
  return word.toLowerCase().replace(/(?:s|es|ed|ing)$/, '')
}

/**
 * Where `term` stands in `text` as whole words, or its plural ("block box" in "are block boxes"):
 * a term defined once in the singular is the same term in the plural later on.
 */
export function termAt(text: string, term: string): { at: number; length: number } | undefined {
  const forms = [term, `${term}s`, `${term}es`, ...(/[^aeiou]y$/.test(term) ? [`${term.slice(0, -1)}ies`] : [])]
  for (const form of forms) {
    const at = wordIndex(text, form)
    if (at >= 0) return { at, length: form.length }
  }
  return undefined
}

export function containsWord(text: string, phrase: string): boolean {
  return wordIndex(text, phrase) >= 0
}
