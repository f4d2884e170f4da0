import { EXAMPLE_OF, GENERIC_TAIL } from '../../pipeline/card-lint.js'
import type { Chunk } from '../../pipeline/chunk.js'
import type { MarkedTerm } from '../../pipeline/inline-markup.js'
import type { Block } from '../../pipeline/normalise.js'
import type { Concept } from '../types.js'
import { EMPTY_HEADS, GENERIC_NOUNS, chooseBlank, containsWord, termAt, topicStem } from './blanks.js'
import { commandOf, inlineCommand, purposeQuestion } from './commands.js'
import { abbreviationIn, definitionIn, namedCase } from './definitions.js'
import { definedTerms } from './cards.js'
import { questionOf, usedToQuestion } from './questions.js'
import { stepConcepts } from './steps.js'
import { canBeVerb, type Analyser, type Sentence, type Token } from './nlp.js'
import { namedAfterDescription, resolveLeadingPronoun } from './references.js'
import { withSpokenParagraphs } from './speech.js'
import { standalone } from './standalone.js'
import { tableConcepts } from './tables.js'

type Draft = Omit<Concept, 'chunk_id'>

/** A learning objective ("Explain the purpose of …") says what to learn, not the fact itself. */
const OBJECTIVE = /^(?:explain|describe|identify|list|understand|know|recogni[sz]e|compare|define|outline|summari[sz]e|discuss|name|state|apply|demonstrate|distinguish|learn)\b/i

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
  const vocabulary = vocabularyOf(chunk)
  const { topic } = vocabulary
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
      // "This gives the output as a list …", "This only needs to be done once …" right under it says what the command does.
      const text = command
        ? prose
            .replace(/^This command\b/, `The command ${command}`)
            .replace(/^This(?= (?:gives|prints|shows|lists|displays|returns|outputs|produces|creates|removes|deletes)\b)/, command)
            .replace(THIS_TO_BE_DONE, command)
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
        // "Non-steroidal anti-inflammatory drugs (NSAIDs) block …": the abbreviation is a fact of its own, beside the sentence's.
        const abbreviation = abbreviationIn(sentence.text)
        if (abbreviation) concepts.push({ kind: 'definition', term: abbreviation.term, statement: sentence.text, relation: abbreviation.question, answer: abbreviation.answer })
        const here = unplaced.filter((term) => containsWord(sentence.text.toLowerCase(), term.text.toLowerCase()))
        for (const term of here) unplaced.splice(unplaced.indexOf(term), 1)
        const known = [...chunkTerms.filter((term) => !here.includes(term)), ...defined]
        // "`git init` only needs to be done once": the command standing in for "This" is what the sentence is told of, never its blank.
        // The name an abbreviation card asks for is no blank of the same sentence either.
        const given =
          subject ?? abbreviation?.term ?? (command && text !== prose && sentence.text.startsWith(`${command} `) && TO_BE_DONE.test(sentence.text) ? command : undefined)
        const concept = conceptOf(sentence, here, known, keypoint, vocabulary, names, analyse, given)
        if (!concept) continue
        concepts.push(concept)
        if (concept.kind === 'definition' && definedTerms([{ ...concept, chunk_id: chunk.id }]).length > 0) defined.push({ text: concept.term, mark: 'bold' })
      }
    }
  })
  return concepts
}

/** "This only needs to be done once per project.": under a command, what the command needs. */
const TO_BE_DONE = /(?:only )?(?:needs|has) to be (?:done|run|used)\b/
const THIS_TO_BE_DONE = new RegExp(`^This(?= ${TO_BE_DONE.source})`)

/** The command under a lead-in sentence ("To undo a commit, run:"), asked by its purpose. */
function commandFor(paragraph: string, code: string, analyse: Analyser): Draft[] {
  const command = commandOf(code)
  const leadIn = command ? analyse(paragraph).pop()?.text : undefined
  const question = leadIn ? purposeQuestion(leadIn) : undefined
  return command && question ? [{ kind: 'code', term: command, statement: `${leadIn} ${command}`, relation: question }] : []
}

interface Vocabulary {
  /**
   * The chunk's own vocabulary of actions: words its code uses (code blocks and inline code) and
   * words its prose repeats ("commit", "commits", "committed"), lower-cased. An action a rule
   * demands is worth a blank only when it is one of them.
   */
  topic: Set<string>
  /** Stems the chunk's prose uses three times or more ("pot", "camera"): guessed, not recalled, as a blank of one word. */
  frequent: Set<string>
}

function vocabularyOf(chunk: Chunk): Vocabulary {
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
  const frequent = new Set<string>()
  // Words of four letters or more make the topic; "pot" and "air" can be frequent too.
  const counts = new Map<string, { all: number; long: number }>()
  for (const word of chunk.text.toLowerCase().match(/[a-z]{3,}/g) ?? []) {
    const count = counts.get(topicStem(word)) ?? { all: 0, long: 0 }
    counts.set(topicStem(word), { all: count.all + 1, long: count.long + (word.length >= 4 ? 1 : 0) })
  }
  for (const [stem, count] of counts) {
    if (count.long >= 2) topic.add(stem)
    if (count.all >= 3) frequent.add(stem)
  }
  return { topic, frequent }
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
  { topic, frequent }: Vocabulary,
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
  const chosen = chooseBlank(clause, inSentence, knownHere, topic, resolved)
  // "Water can crack the {{pot}}" in a lesson about pots: a plain noun the chunk keeps repeating is guessed, not recalled.
  const guessed = (text: string) => frequent.has(topicStem(text)) && clause.tokens.some((token) => token.text === text && token.pos === 'NOUN')
  // A marked term the sentence holds may still take the blank's place (cards.ts withKnownTerm): "Two events are *independent* …".
  const marks = inSentence.length > 0 || knownHere.length > 0
  const blank = chosen?.kind === 'phrase' && /^\p{Ll}+$/u.test(chosen.text) && guessed(chosen.text) && !marks ? undefined : chosen
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
  // "If …, or you would rather not …, contact/NOUN HR directly.": the main clause starts after the comma that no "or" continues;
  // without any verb up to its next comma, it opens on its order, whatever its tag.
  const start = sentence.tokens.findIndex((token, index) => token.text === ',' && sentence.tokens[index + 1]?.pos !== 'CCONJ')
  const rest = sentence.tokens.slice(start + 1)
  const end = rest.findIndex((token) => token.text === ',')
  const main = end < 0 ? rest : rest.slice(0, end)
  return comma > 0 && (base(sentence.tokens[comma + 1]) || (start > 0 && !main.some((token) => token.pos === 'VERB' || token.pos === 'AUX')))
}
