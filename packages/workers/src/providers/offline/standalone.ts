import { RELATIVE_HEAD } from '../../pipeline/card-lint.js'

/**
 * Whether a sentence can stand alone on a card (R6, C9): not leaning on the sentence before, not
 * telling the lesson's story, not an order, a question or a fragment; cut to its first clause when
 * it is too long, and read without the connectives and asides it stands without.
 */
/** Fronts longer than this are cut to a clause or skipped (C4). */
const MAX_SENTENCE_CHARS = 140
const MIN_SENTENCE_CHARS = 25
/**
 * Sentences that lean on their context (C9), tell the lesson's story, or instruct rather than
 * state: no card can stand alone on them.
 */
const LEANS_ON_CONTEXT =
  /^(?:another|it|its|his|her|their|this|that|these|those|they|them|here|there|such|so|but|and|or|also|then|thus|hence|however|therefore|as such|now|next|finally|first|second|similarly|instead|otherwise|both|for (?:example|instance)|in (?:this|that|these|those|both|such|the (?:previous|next|latter|former))|in (?:each|either|all) (?:cases?|situations?)|the (?:first|second|third|fourth|last|former|latter) (?:is|are|one|kind|type|reason|step)|as (?:we|you)|let|let's|note|remember|try|see|click|press|select|choose|scroll|navigate|open|run|type|go|make sure|be sure|welcome|he|she|i|meanwhile|afterwards|suddenly|eventually|called|known as|also (?:called|known)|named)\b/i
const STORY =
  /^you (?!can|could|may|might|must|should|need|have|will|would|do not|don't)[a-z]+\b|\b(?:(?:it's|that's|this is|which is) why|you(?: have|'ve) now|the \w+ (?:above|below)|(?:shown|listed|given|seen) (?:above|below)|(?:of|among) these|she'll|he'll|she's|he's|she|he|you will|you'll|you might|you (?:just |don't |do not )?want|(?<!\S\s(?:when|if|once|unless) )we|we'll|we've|we're|we'd|our|let's|the following|as shown|(?<!(?:year|month|week|day|hour|minute|decade|century|centuries)s? )earlier|later on|previous(?:ly)?|(?:this|next|last|following|previous)(?: few)? (?:lesson|episode|section|chapter|example|exercise|tutorial|course|page|book)s?|here|please|make sure|(?:today|tonight|this (?:morning|afternoon|week|session|lecture|class|talk)),? (?:it's|it is|I|I'm|we|we're|you|you'll)|(?:will be|is|are) (?:covered|discussed|explained|introduced|described) (?:in|later|below|next))\b/i
/** "If it is less than 1, …", "Because they …": a pronoun in a leading clause names something of an earlier sentence. */
const LEADING_PRONOUN = /^(?:if|when|because|although|since|as|once|unless|while|after|before) (?:it|this|that|they|these|those|he|she)\b/i
const CONDITION = /^(?:If|When|Once|After) (?:we|you) [^,;]{3,80}, (?=[a-z`])(?!which|that|and|or|but)/
/** GUI click paths are no knowledge worth a card (R12): "click "Open"", "the "Execute SQL" tab". */
const GUI = /\b(?:click(?:s|ed|ing)?|double-click|button|menu|dialog|toolbar|checkbox|drop-?down|(?:check|tick|untick|uncheck) the box)\b|"[^"]{1,30}" tab\b/i
/** "…, it is always useful to add comments": a judgement, not a fact to recall; nor is "X is not the only tool". */
const JUDGEMENT = /\bit(?:'s| is| can be| may be| would be| might be) (?:\w+ )?(?:useful|important|helpful|good|a good idea|recommended|wise|best)\b|\b(?:is|are) not the only\b/i
const FIRST_PERSON = /\b(?:I|I'm|I've|my|me)\b/
/** Questions, lead-ins to a list, cheers ("Congratulations, you have finished!") and fragments. */
const NOT_A_STATEMENT = /[?:!]$|^[^A-Z`"']|[?!]["”']/

/** "(or in a special document …)", "(for instance by naming files …)": an aside the statement reads the same without. */
const OPTIONAL_ASIDE = /\s\((?:or|for example|for instance|e\.g\.|i\.e\.|see|such as)\b[^()]*\)(?=[\s,.;:])/gi

/** The sentence, or its first clause when it is too long, when it can stand alone; else undefined. */
export function standalone(sentence: string): string | undefined {
  let text = withoutConnective(
    sentence
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/^[-*•]\s+/, '')
      .replace(OPTIONAL_ASIDE, '')
      .replace(/\byou will be able to\b/g, 'you can'),
  )
  if (text.length > MAX_SENTENCE_CHARS) {
    // The longest head that ends where a clause or an aside begins, and fits ("by creating … and including …": the second of two ways).
    const clauses = [...text.matchAll(/;\s|\s[—–]\s|:\s|,\s(?=(?:and|but|so|which|while)\s)/g)]
      .map((match) => match.index)
      // "…: sensory memory, short-term memory, | and long-term memory": the last item of a series is no clause.
      .filter((index) => !lastItem(text, index))
    // A cut inside a later clause ("…, and it happens | without any effort") leaves that clause without its point.
    // Never before "unless": "there is no contract | unless the parties intended …" would say the opposite.
    const phrases = [...text.matchAll(/\s(?=(?:whereas|rather than|without|because|even if)\s)|\s(?=\((?:for example|e\.g\.|i\.e\.|see)\b)/g)]
      .map((match) => match.index)
      .filter((index) => !clauses.some((clause) => clause < index))
    const cuts = [...clauses, ...phrases]
      .concat(/\bby \w+ing\b/.test(text) ? [...text.matchAll(/\s(?=and \w+ing\s)/g)].map((match) => match.index) : [])
      .filter((index) => index >= MIN_SENTENCE_CHARS && index < MAX_SENTENCE_CHARS)
    if (cuts.length === 0) return undefined
    // "…, still without energy", "…, simply because …": the cut leaves no adverb dangling ("…, still.").
    text = `${text
      .slice(0, Math.max(...cuts))
      .replace(/,?\s+(?:still|also|even|only|just|then|and|or|but)$|,\s+\w+ly$/i, '')
      .replace(/,$/, '')}.`
  }
  // "Alfred Wegener proposed continental drift in 1912, but nobody believed him, because he …": the
  // story is in the later clauses; the first one states the fact alone.
  const whole = stands(text)
  if (whole) return whole
  // A subordinate clause ("If you find there are …,") is no statement without its main clause.
  const tail = SUBORDINATE_START.test(text) ? null : TELLING_TAIL.exec(text)
  return tail && tail.index >= MIN_SENTENCE_CHARS ? stands(`${text.slice(0, tail.index)}.`) : undefined
}

const ANNOUNCED_COUNT =
  /\b(?:two|three|four|five|six|seven|several|a few|many|a number of|various) (?:[\w-]+ )?(?:causes|types|kinds|ways|reasons|steps|parts|things|groups|categories|factors|forms|stages|classes|principles|rules|components|elements|methods|approaches|aspects|features|uses|conditions|questions|options|phases|levels|sorts|varieties|families|sources|effects|main ones)\.?$/i

/** "The courts apply two presumptions.": a short sentence whose object is a count of things names them in the sentences after it. */
const COUNTED_OBJECT =
  /^(?:\S+ ){1,4}(?!(?:is|are|was|were|within|in|for|after|before|by|of|about|over|under|than|to|at|every|per) )\S+ (?:two|three|four|five|six|seven|eight|nine|ten|several) (?:[\w-]+ )?[\w-]+s\.$/i

/** Whether ", and …" at `index` opens the last item of a series: a short item after another comma. */
function lastItem(text: string, index: number): boolean {
  const item = /^,\s(?:and|or)\s([^,;:]*)/.exec(text.slice(index))?.[1]
  return item !== undefined && item.split(/\s+/).length <= 4 && /,[^,;:]{1,40}$/.test(text.slice(0, index))
}

/** Where a clause that may tell a story or point elsewhere joins the first one. */
const SUBORDINATE_START = /^(?:if|when|whenever|although|though|while|because|since|as|once|unless|whereas|where|after|before|until)\b/i
const TELLING_TAIL = /,\s(?:but (?!only|not|also)|because |which |and (?=(?:it|it's|this|that|they|he|she|we|you|nobody|no one)\b))/

/** The sentence when it can stand alone as it is, ending on its full stop; else undefined. */
function stands(sentence: string): string | undefined {
  let text = sentence
  if (text.length < MIN_SENTENCE_CHARS || text.length > MAX_SENTENCE_CHARS) return undefined
  // "If we run `wc *.pdb`, the `*` matches …": a reader's "we" in a leading condition tells no story.
  const main = text.replace(CONDITION, '')
  // "Production costs are the most important.": a superlative without its noun leans on the sentence before.
  if (/\bthe (?:most|least) [\w-]+\.?$/.test(text)) return undefined
  // "One example is the `cd` command", "A classic example is a medical test": an example of something said before.
  if (/^(?:One|An|Another|A (?:classic|typical|good|famous|common|simple|standard)) (?:example|instance|case|reason|way|option)s? (?:is|are|of)\b/.test(text)) return undefined
  // "… uses to represent that "later"": a demonstrative before a quote points at words of an earlier sentence.
  if (/\bthat\s+["“]/.test(text)) return undefined
  // "Buying a coffee is enough.": enough for what the sentence before says.
  if (/\b(?:is|are|was|were) (?:not )?(?:enough|sufficient|required|needed)\.?$/.test(text)) return undefined
  // "The standard example is …", "The main tool is …": the example or tool of something said before ("The trolley problem is …" names one).
  if (
    /^The (?:(?:number one|golden|cardinal|main|real|key|big|major|minor|chief|primary|central|basic|whole|obvious|simple|standard|usual|typical|classic|common|general|actual|true|final|only|other|same|underlying|important|great|first|second|third|last|next|worst|\w+est|most \w+|more \w+) ){0,2}(?:example|problem|reason|answer|result|idea|point|question|difference|trick|catch|key|goal|solution|tool|way|method|approach|cause|aim|purpose|rule|exception|advantage|disadvantage|benefit|drawback|option|choice|effect|risk|limit|limitation|challenge|lesson|task) (?:is|was)\b/.test(
      text,
    )
  )
    return undefined
  // "Sometimes it is called …" that no sentence before resolved: the pronoun names something unknown.
  if (/^(?:sometimes|often|usually|typically|generally|normally|also|occasionally|now|then|still|thus|again),? (?:it|they|this|these)\b/i.test(text)) return undefined
  // "Economists distinguish two broad causes.": a count of a category announces what follows; it states nothing itself.
  if (ANNOUNCED_COUNT.test(text) || COUNTED_OBJECT.test(text)) return undefined
  // "…, so you could do" or "…, it is" over a code block or a formula: a lead-in whose colon the author left out.
  if (/\b(?:(?:could|can|would|might|should|may) do|(?:it|this|they) (?:is|are|becomes|gives|reads))\.?$/.test(text)) return undefined
  if (
    NOT_A_STATEMENT.test(text) ||
    LEANS_ON_CONTEXT.test(main) ||
    LEADING_PRONOUN.test(text) ||
    RELATIVE_HEAD.test(text) ||
    STORY.test(main) ||
    // "us" in lower case only: "the US Federal Reserve" names a country.
    /\bus\b/.test(main) ||
    FIRST_PERSON.test(text) ||
    GUI.test(text) ||
    JUDGEMENT.test(text)
  )
    return undefined
  // A sentence cut in the middle of an aside ("… numbers (BIGINT, or big integer.") is no statement.
  if ((text.match(/\(/g)?.length ?? 0) !== (text.match(/\)/g)?.length ?? 0)) return undefined
  if (!/[.!]$/.test(text)) text = `${text}.`
  // Leftover markup (an unclosed backtick, a link, a directive) means the text was not prose.
  if ((text.match(/`/g)?.length ?? 0) % 2 === 1 || /\]\(|\{\w+\}|:::|https?:/.test(text)) return undefined
  return text
}

/**
 * "However, an outlier can pull the mean away", "In the log, you will see that each version is …":
 * the connective ties to the sentence before, the lead-in addresses the reader; the statement stands without them.
 */
const CONNECTIVE =
  /^(?:(?:However|Moreover|Furthermore|In addition|Also|Indeed|In fact|Nevertheless|Still|Importantly|Especially|In practice|In contrast|By contrast|Likewise|Similarly|Of course|Now|So|Okay|OK|Well|Right|Basically|First and foremost|Above all|In general|Generally|Fundamentally|Essentially|Ultimately|Overall|As a rule of thumb|As a (?:rough |general )?(?:guide|rule)),|(?:In [^,]{1,60},\s+)?(?:you(?: will|'ll| can| may)? (?:see|notice|find)|note|remember|keep in mind) that)\s+(?=[a-z`])/i

/**
 * "Tip: …", "Common mistake: osmosis is …": a callout's label names the box, not a term of the
 * sentence; "Parental leave: up to 26 weeks" is no label but the subject of a verbless entry.
 */
const CALLOUT_LABEL =
  /^(?:(?:Tip|Hint|Note|Warning|Caution|Important|Remember|Info|Aside|Did you know\??)s?\s*:\s+|[A-Z][a-z]+(?: [a-z]+){0,2}:\s+(?=[a-z]{2,} (?:[a-z]+ )?(?:is|are|was|were|has|have|does|do|can|cannot|must|should|will|may)\b))/
/**
 * "Bakers use this on purpose: a long, cold rise … gives …", "It takes time though: changes in …
 * affect …": a lead-in that points back is dropped when a whole statement follows its colon.
 */
const POINTING_LEAD_IN = /^[^:]{0,60}\b(?:this|that|these|those|it|here|there|though)\b[^:]{0,30}:\s+(?=(?:an?|the|[a-z]+s)\s)/i

function withoutConnective(text: string): string {
  const rest = text.replace(CALLOUT_LABEL, '').replace(CONNECTIVE, '').replace(POINTING_LEAD_IN, '')
  return rest === text ? text : rest.charAt(0).toUpperCase() + rest.slice(1)
}
