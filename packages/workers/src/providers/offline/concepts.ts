import { EXAMPLE_OF, GENERIC_TAIL, RELATIVE_HEAD } from '../../pipeline/card-lint.js'
import type { Chunk } from '../../pipeline/chunk.js'
import type { MarkedTerm } from '../../pipeline/inline-markup.js'
import type { Block } from '../../pipeline/normalise.js'
import type { Concept } from '../types.js'
import { EMPTY_HEADS, GENERIC_NOUNS, chooseBlank, containsWord, termAt, topicStem } from './blanks.js'
import { commandOf, inlineCommand, purposeQuestion } from './commands.js'
import { definitionIn, namedCase } from './definitions.js'
import { definedTerms } from './cards.js'
import { questionOf, usedToQuestion } from './questions.js'
import { stepConcepts } from './steps.js'
import { canBeVerb, type Analyser, type Sentence, type Token } from './nlp.js'
import { namedAfterDescription, resolveLeadingPronoun } from './references.js'
import { withSpokenParagraphs } from './speech.js'
import { tableConcepts } from './tables.js'

type Draft = Omit<Concept, 'chunk_id'>

/** Fronts longer than this are cut to a clause or skipped (C4). */
export const MAX_SENTENCE_CHARS = 140
const MIN_SENTENCE_CHARS = 25
/**
 * Sentences that lean on their context (C9), tell the lesson's story, or instruct rather than
 * state: no card can stand alone on them.
 */
const LEANS_ON_CONTEXT =
  /^(?:another|it|its|his|her|their|this|that|these|those|they|them|here|there|such|so|but|and|or|also|then|thus|hence|however|therefore|as such|now|next|finally|first|second|similarly|instead|otherwise|both|for (?:example|instance)|in (?:this|that|these|those|both|such|the (?:previous|next|latter|former))|in (?:each|either|all) (?:cases?|situations?)|the (?:first|second|third|fourth|last|former|latter) (?:is|are|one|kind|type|reason|step)|as (?:we|you)|let|let's|note|remember|try|see|click|press|select|choose|scroll|navigate|open|run|type|go|make sure|be sure|welcome|he|she|i|meanwhile|afterwards|suddenly|eventually|called|known as|also (?:called|known)|named)\b/i
const STORY =
  /^you (?!can|could|may|might|must|should|need|have|will|would|do not|don't)[a-z]+\b|\b(?:(?:it's|that's|this is|which is) why|you(?: have|'ve) now|the \w+ (?:above|below)|(?:shown|listed|given|seen) (?:above|below)|(?:of|among) these|she'll|he'll|she's|he's|she|he|you will|you'll|you might|you (?:just |don't |do not )?want|we|we'll|we've|we're|we'd|our|let's|the following|as shown|(?<!(?:year|month|week|day|hour|minute|decade|century|centuries)s? )earlier|later on|previous(?:ly)?|(?:this|next|last|following|previous)(?: few)? (?:lesson|episode|section|chapter|example|exercise|tutorial|course|page|book)s?|here|please|make sure|(?:today|tonight|this (?:morning|afternoon|week|session|lecture|class|talk)),? (?:it's|it is|I|I'm|we|we're|you|you'll)|(?:will be|is|are) (?:covered|discussed|explained|introduced|described) (?:in|later|below|next))\b/i
/** "If it is less than 1, …", "Because they …": a pronoun in a leading clause names something of an earlier sentence. */
const LEADING_PRONOUN = /^(?:if|when|because|although|since|as|once|unless|while|after|before) (?:it|this|that|they|these|those|he|she)\b/i
const CONDITION = /^(?:If|When|Once|After) (?:we|you) [^,;]{3,80}, (?=[a-z`])(?!which|that|and|or|but)/
/** GUI click paths are no knowledge worth a card (R12): "click "Open"", "the "Execute SQL" tab". */
const GUI = /\b(?:click(?:s|ed|ing)?|double-click|button|menu|dialog|toolbar|checkbox|drop-?down|(?:check|tick|untick|uncheck) the box)\b|"[^"]{1,30}" tab\b/i
/** "…, it is always useful to add comments": a judgement, not a fact to recall; nor is "X is not the only tool". */
const JUDGEMENT = /\bit(?:'s| is| can be| may be| would be| might be) (?:\w+ )?(?:useful|important|helpful|good|a good idea|recommended|wise|best)\b|\b(?:is|are) not the only\b/i
const FIRST_PERSON = /\b(?:I|I'm|I've|my|me)\b/
/** A learning objective ("Explain the purpose of …") says what to learn, not the fact itself. */
const OBJECTIVE = /^(?:explain|describe|identify|list|understand|know|recogni[sz]e|compare|define|outline|summari[sz]e|discuss|name|state|apply|demonstrate|distinguish|learn)\b/i
/** Questions, lead-ins to a list, cheers ("Congratulations, you have finished!") and fragments. */
const NOT_A_STATEMENT = /[?:!]$|^[^A-Z`"']|[?!]["”']/

/**
 * Stage A without a model: every sentence of the chunk that can stand alone, with the word a
 * card should hide. Exercise boxes (challenges, solutions, setup, instructor notes) make nothing.
 * Sentences of key points (front matter or a key-points box) are `keypoint`s; a sentence that
 * defines a term is a `definition`; one holding a marked term or code is a `term` (`code`); a
 * number, or else its key noun phrase, is a `fact` (stage B ranks numbers before phrases).
 */
export function offlineConcepts(chunk: Chunk, analyse: Analyser): Draft[] {
  const summary = chunk.id.endsWith('#key-points') || chunk.heading === 'Key points'
  const concepts: Draft[] = []
  const chunkTerms = chunk.blocks.flatMap((block) => ('terms' in block ? block.terms : []))
  const topic = topicWords(chunk)
  // Words the text capitalises mid-sentence are names ("Git"), kept capitalised in a question.
  const names = new Set(chunk.text.match(/(?<=[\p{Ll},;] )\p{Lu}[\p{L}\d-]*/gu) ?? [])
  // A term a sentence defines ("The quantity supplied is …") is known to the sentences after it, like a marked one.
  const defined: MarkedTerm[] = []
  const blocks = withSpokenParagraphs(chunk.blocks)
  blocks.forEach((block, index) => {
    const previous = blocks[index - 1]
    const command = previous?.kind === 'code' ? commandOf(previous.text) : undefined
    if ('box' in block && block.box === 'exercise') return
    const next = blocks[index + 1]
    if (block.kind === 'paragraph' && next?.kind === 'code') concepts.push(...commandFor(block.text, next.text, analyse))
    if (block.kind === 'table') concepts.push(...tableConcepts(block, names))
    if (block.kind === 'list' && block.ordered && previous?.kind === 'paragraph') {
      const leadIn = analyse(previous.text).pop()?.text
      if (leadIn) concepts.push(...stepConcepts(leadIn, block.items, analyse, topic))
    }
    const keypoint = summary || ('box' in block && block.box === 'keypoints')
    for (const { text: prose, terms } of proseOf(block)) {
      // "This command creates …" right under a one-line code block names that command.
      // "This gives the output as a list …" right under it says what the command does.
      const text = command
        ? prose
            .replace(/^This command\b/, `The command ${command}`)
            .replace(/^This(?= (?:gives|prints|shows|lists|displays|returns|outputs|produces|creates|removes|deletes)\b)/, command)
        : prose
      // A term counts as marked in the first sentence that holds it, where the author marked it;
      // later it is a known term, ranked after the code of the sentence that mentions it.
      const unplaced = [...terms]
      let previous: Sentence | undefined
      for (const read of analyse(text)
        .flatMap((sentence) => withLeadingReason(sentence, analyse))
        .flatMap(clausesOf)) {
        const named = namedAfterDescription(read, previous && standalone(previous.text), names)
        const { sentence, subject } = resolveLeadingPronoun(read, previous, analyse)
        previous = sentence
        if (named) {
          concepts.push({ kind: keypoint ? 'keypoint' : 'definition', term: named.term, statement: named.statement, relation: named.question })
          defined.push({ text: named.term, mark: 'bold' })
          continue
        }
        const here = unplaced.filter((term) => containsWord(sentence.text.toLowerCase(), term.text.toLowerCase()))
        for (const term of here) unplaced.splice(unplaced.indexOf(term), 1)
        const known = [...chunkTerms.filter((term) => !here.includes(term)), ...defined]
        const concept = conceptOf(sentence, here, known, keypoint, topic, names, analyse, subject)
        if (!concept) continue
        concepts.push(concept)
        if (concept.kind === 'definition' && definedTerms([{ ...concept, chunk_id: chunk.id }]).length > 0) defined.push({ text: concept.term, mark: 'bold' })
      }
    }
  })
  return concepts
}

/** The command under a lead-in sentence ("To undo a commit, run:"), asked by its purpose. */
function commandFor(paragraph: string, code: string, analyse: Analyser): Draft[] {
  const command = commandOf(code)
  const leadIn = command ? analyse(paragraph).pop()?.text : undefined
  const question = leadIn ? purposeQuestion(leadIn) : undefined
  return command && question ? [{ kind: 'code', term: command, statement: `${leadIn} ${command}`, relation: question }] : []
}

/**
 * The chunk's own vocabulary of actions: words its code uses (code blocks and inline code) and
 * words its prose repeats ("commit", "commits", "committed"), lower-cased. An action a rule
 * demands is worth a blank only when it is one of them.
 */
function topicWords(chunk: Chunk): Set<string> {
  const code = chunk.blocks.flatMap((block) =>
    block.kind === 'code'
      ? [block.text]
      : 'text' in block
        ? (block.text.match(/`[^`]+`/g) ?? [])
        : 'items' in block
          ? block.items.flatMap((item) => item.match(/`[^`]+`/g) ?? [])
          : [],
  )
  const topic = new Set(code.flatMap((text) => text.toLowerCase().match(/[a-z]+/g) ?? []))
  const counts = new Map<string, number>()
  for (const word of chunk.text.toLowerCase().match(/[a-z]{4,}/g) ?? []) {
    const stem = topicStem(word)
    counts.set(stem, (counts.get(stem) ?? 0) + 1)
  }
  for (const [stem, count] of counts) if (count >= 2) topic.add(stem)
  return topic
}

function proseOf(block: Block): { text: string; terms: MarkedTerm[] }[] {
  switch (block.kind) {
    case 'paragraph':
      return [{ text: block.text, terms: block.terms }]
    case 'cue':
      return [{ text: block.text, terms: [] }]
    case 'list':
      // Items that are sentences are read one by one; "- `ls`" or "- Sourcetree" is no statement.
      return block.items.map((item) => ({ text: item, terms: block.terms.filter((term) => item.includes(term.text)) }))
    case 'code':
    case 'table':
      return []
  }
}

function conceptOf(
  sentence: Sentence,
  marked: MarkedTerm[],
  known: MarkedTerm[],
  keypoint: boolean,
  topic: ReadonlySet<string>,
  names: ReadonlySet<string>,
  analyse: Analyser,
  resolved?: string,
): Draft | undefined {
  // A command named for a purpose is a card however long or instructive the sentence around it.
  const command = inlineCommand(sentence.text.replace(/\s+/g, ' ').trim())
  if (command) return { kind: 'code', term: command.term, statement: sentence.text.replace(/\s*:$/, '.'), relation: command.question }
  const named = namedCase(sentence)
  if (named?.question) return { kind: keypoint ? 'keypoint' : 'definition', term: named.term, statement: sentence.text, relation: named.question, answer: named.answer }
  const text = standalone(sentence.text)
  if (!text) return undefined
  // A cut or unwrapped sentence is read again, so its words and tags are its own.
  const clause = text === sentence.text ? sentence : { text, tokens: analyse(text)[0]?.tokens ?? sentence.tokens }
  const lower = text.toLowerCase()
  const inSentence = marked.filter((term) => containsWord(lower, term.text.toLowerCase()))
  const knownHere = known.filter((term) => termAt(lower, term.text.toLowerCase()) !== undefined)
  // An instruction ("Create files", "Check that … contains a file called `middle.sh`") tells the reader what to do, not a fact; key points may.
  // "Report a breach to the security desk at once: the company has 72 hours to …": an order that leads in to a fact keeps it.
  if ((!keypoint || OBJECTIVE.test(text)) && isImperative(clause) && !/:\s+(?:the|an?|[a-z]+s)\s[^:]{20,}$/i.test(text)) return undefined
  // "A character used in this way is called a delimiter" (CARDS.md E2): a definition that points outside itself defines nothing a card can show.
  const definition = DEMONSTRATIVE_ALONE.test(text) ? undefined : definitionIn(clause, new Set([...inSentence, ...knownHere].map((term) => term.text.toLowerCase())))
  if (definition && containsWord(text, definition.term) && definition.term.toLowerCase() !== resolved?.toLowerCase()) {
    return {
      kind: keypoint ? 'keypoint' : 'definition',
      term: definition.term,
      statement: text,
      ...(definition.question ? { relation: definition.question } : {}),
      ...(definition.answer ? { answer: definition.answer } : {}),
    }
  }
  // A fragment without a verb ("One field per type of information.") states nothing.
  // Nor does one whose only verb is a gerund ("Filtering rows according to WHERE.").
  if (!clause.tokens.some((token) => (token.pos === 'VERB' && !/ing$/i.test(token.text)) || token.pos === 'AUX')) return undefined
  // "that file", "those changes": a demonstrative points outside the sentence (C9).
  if (namesWithoutSaying(text) || pointsOutside(clause)) return undefined
  const blank = chooseBlank(clause, inSentence, knownHere, topic, resolved)
  // A plain statement with no marked term is asked for its purpose or its object rather than cut into a cloze.
  const asked = !blank || blank.kind === 'phrase' ? (usedToQuestion(clause, names) ?? questionOf(clause, { names, canBeVerb: (lemma) => canBeVerb(analyse, lemma) })) : undefined
  if (asked) return { kind: keypoint ? 'keypoint' : 'fact', term: asked.term, statement: text, relation: asked.question, answer: asked.answer }
  if (!blank) return undefined
  // "Some adjectives mean different things with each {{verb}}": a vague count of a class as the subject says which members nowhere; only a marked term, code or number makes it a fact.
  if (blank.kind === 'phrase' && /^(?:Some|Several|Many|Various|Certain|A few)\s/.test(text)) return undefined
  const kind: Concept['kind'] = keypoint ? 'keypoint' : blank.kind === 'term' ? 'term' : blank.kind === 'code' ? 'code' : 'fact'
  return { kind, term: blank.text, statement: text }
}

/** "As a repository stores every version of every file, large files …": a reason with a noun subject of its own. */
const LEADING_REASON = /^(?:As|Since|Because) ((?:an?|the|every|each) [^,;]{10,120}),\s+(?=[a-z])/

/** The reason a sentence opens with, as a statement of its own, before the sentence itself. */
function withLeadingReason(sentence: Sentence, analyse: Analyser): Sentence[] {
  const reason = LEADING_REASON.exec(sentence.text)?.[1]
  return reason ? [...analyse(`${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`), sentence] : [sentence]
}

/**
 * "We've already seen pipes; a filter is a program that …": clauses joined by a semicolon state
 * facts of their own, so each is read as a sentence (its first letter raised).
 */
function clausesOf(sentence: Sentence): Sentence[] {
  const codes: string[] = []
  const masked = sentence.text.replace(/`[^`]*`/g, (code) => `\u0000${codes.push(code) - 1}\u0001`)
  // "…is called tachycardia, and a rate below 60 is called bradycardia": two definitions.
  const definitions = /^[^,;]{3,100}? (?:is|are) (?:called|known as|named) [^;]{1,60}?, and (?:an?|the) [^,;]{3,80}? (?:is|are) (?:called|known as|named)\b/.test(masked)
  // "A strong acid ionises completely, while a weak acid ionises only partly": a contrast of two statements.
  const contrast = /^[^,;]{10,120}, (?:while|whereas) (?:an?|the) [^,;]{3,80}$/.test(masked)
  const separator = definitions ? ', and ' : contrast ? (masked.includes(', while ') ? ', while ' : ', whereas ') : '; '
  const parts = masked.split(separator)
  if (parts.length < 2) return [sentence]
  const mark = separator === '; ' ? ';' : separator.slice(2, -1)
  const clauses: Sentence[] = []
  let tokens = sentence.tokens
  parts.forEach((part, index) => {
    const end = tokens.findIndex((token) => token.text === mark)
    const own = end < 0 ? tokens : tokens.slice(0, end)
    tokens = end < 0 ? [] : tokens.slice(end + 1)
    const text = part.replace(/\0(\d+)\u0001/g, (_, i: string) => codes[Number(i)]!).trim()
    const raised = index === 0 ? text : text.charAt(0).toUpperCase() + text.slice(1)
    clauses.push({ text: /[.!?]$/.test(raised) ? raised : `${raised}.`, tokens: own })
  })
  return clauses
}

/** The sentence, or its first clause when it is too long, when it can stand alone; else undefined. */
function standalone(sentence: string): string | undefined {
  let text = withoutConnective(
    sentence
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/^[-*•]\s+/, ''),
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
  // "One example is the `cd` command": an example of something said before.
  if (/^(?:One|An|Another) (?:example|instance|case|reason|way|option)s? (?:is|are|of)\b/.test(text)) return undefined
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

/** "The pump is a well-studied example.", "Income is a classic example of …": the sentence names its subject without explaining it (R12). */
function namesWithoutSaying(text: string): boolean {
  const predicate = /\s(?:is|are)\s+(.+?)[.!]?$/.exec(text)?.[1]
  return predicate !== undefined && (GENERIC_TAIL.test(predicate.split(/[,;:(]/)[0]!.trim()) || EXAMPLE_OF.test(predicate))
}

/** "that file", "those changes" (a demonstrative before its noun), not "a commit that reverts" (a relative pronoun); an object pronoun. */
function pointsOutside(sentence: Sentence): boolean {
  // "the two angles", "between the two": a count with the article refers back to things already named.
  if (/\b(?:the|these|those) (?:two|three|four)\b/i.test(sentence.text)) return true
  // "The name is arbitrary", "The result is …": a generic noun with only "the" names something of an earlier sentence.
  const [first, second, third] = sentence.tokens
  if (/^the$/i.test(first?.text ?? '') && second?.pos === 'NOUN' && (GENERIC_NOUNS.has(second.lemma) || EMPTY_HEADS.has(second.lemma)) && /^(?:AUX|VERB)$/.test(third?.pos ?? ''))
    return true
  // "Choosing the wrong one is …": "one" stands for a noun of an earlier sentence.
  if (/\bthe (?:wrong|right|correct|other|same|new|old|latter|former) ones?\b/i.test(sentence.text)) return true
  return sentence.tokens.some((token, index) => {
    // "Many developers put this rule at the top": past the sentence's start, "this" names a thing of an earlier one.
    // "in this stable phase": an adjective may stand between.
    const [next, after] = [sentence.tokens[index + 1]?.pos ?? '', sentence.tokens[index + 2]?.pos ?? '']
    if (/^(?:this|these)$/i.test(token.text) && index > 0 && (/^(?:NOUN|PROPN)$/.test(next) || (next === 'ADJ' && after === 'NOUN'))) return true
    // "A projector relies on this.": a demonstrative standing alone names something of an earlier sentence.
    if (/^(?:this|these|those)$/i.test(token.text) && index > 0 && !/^(?:NOUN|ADJ|PROPN|NUM|CODE)$/.test(sentence.tokens[index + 1]?.pos ?? '')) return true
    // "Underneath it is …", "slide over it": "it" after a preposition is a thing of an earlier sentence.
    // "A repository stores every file that is added to it": inside a relative clause, "it" is a noun of the sentence.
    if (/^it$/i.test(token.text) && sentence.tokens[index - 1]?.pos === 'ADP') return !inRelativeClause(sentence, index)
    if (/^(?:that|those)$/i.test(token.text) && token.pos === 'DET') return /^(?:NOUN|ADJ|PROPN|NUM)$/.test(sentence.tokens[index + 1]?.pos ?? '')
    // "Git uses it to …", "`git pull` also merges them": an object pronoun names something of an earlier sentence.
    // "make it easier" is a placeholder "it", naming nothing.
    // "when costs rise and firms pass them on": with two plural nouns before it, "them" has its referent in the sentence.
    if (/^them$/i.test(token.text) && sentence.tokens.slice(0, index).filter((before) => before.pos === 'NOUN' && before.lemma !== before.text.toLowerCase()).length >= 2)
      return false
    return /^(?:it|them)$/i.test(token.text) && sentence.tokens[index - 1]?.pos === 'VERB' && !/^(?:ADJ|ADV)$/.test(sentence.tokens[index + 1]?.pos ?? '')
  })
}

/** Whether the word at `index` stands in a relative clause ("that is added to it") of a sentence whose subject is a noun. */
function inRelativeClause(sentence: Sentence, index: number): boolean {
  const subjectIsNoun = /^(?:DET|NOUN|PROPN|ADJ|CODE)$/.test(sentence.tokens[0]?.pos ?? '') && !/^(?:this|that|these|those)$/i.test(sentence.tokens[0]!.text)
  return subjectIsNoun && sentence.tokens.slice(1, index).some((token) => /^(?:that|which)$/i.test(token.text) && token.pos === 'PRON')
}

/** "used in this way", "control this, and …": a demonstrative with no noun of its own. */
const DEMONSTRATIVE_ALONE = /\bth(?:is|ese|ose)(?=\s*[,.;:]|\s+way\b)/i

/** "Create files", and "Once the installation is complete, go to …": the main clause gives an order. */
function isImperative(sentence: Sentence): boolean {
  const base = (token: Token | undefined) => token !== undefined && token.pos === 'VERB' && token.text.toLowerCase() === token.lemma
  // "Carry-over is the transfer …": a hyphenated word, or one followed by "is", is the subject, whatever its tag.
  if (base(sentence.tokens[0])) return sentence.tokens[1]?.pos !== 'AUX' && sentence.tokens[1]?.text !== '-'
  // "Check/PROPN that the folder …": the small model reads a capitalised order as a name; a name is not followed by "that" or an article.
  if (sentence.tokens[0]?.pos === 'PROPN' && /^(?:that|the|a|an|your|all|each|every)$/i.test(sentence.tokens[1]?.text ?? '')) return true
  if (!/^(?:once|when|after|before|if|to|as soon as|whenever)$/i.test(sentence.tokens[0]?.text ?? '')) return false
  const comma = sentence.tokens.findIndex((token) => token.text === ',')
  return comma > 0 && base(sentence.tokens[comma + 1])
}
