import type { ItemSentence, WinkMethods } from 'wink-nlp'

/**
 * Sentences and parts of speech from wink-nlp with its English model (both ship in npm; the model
 * is about 4 MB and takes a second to load, so it is imported on first use). Inline code is
 * masked while the model reads, so `cubane.pdb` or `ls -F .` never split a sentence or get a
 * part of speech: it comes back as one token tagged CODE with its backticks.
 */
export interface Token {
  text: string
  /** Universal POS tag (NOUN, PROPN, VERB, AUX, ADJ, ADP, DET, NUM, …), CODE for inline code. */
  pos: string
  lemma: string
}

export interface Sentence {
  text: string
  tokens: Token[]
}

export type Analyser = (paragraph: string) => Sentence[]

let loading: Promise<Analyser> | undefined

/** The analyser, loading the model once per process. */
export function loadAnalyser(): Promise<Analyser> {
  loading ??= (async () => {
    const [{ default: winkNLP }, { default: model }] = await Promise.all([import('wink-nlp'), import('wink-eng-lite-web-model')])
    const nlp = winkNLP(model, ['sbd', 'pos'])
    return (paragraph: string) => analyse(nlp, paragraph)
  })()
  return loading
}

const PLACEHOLDER = /^zq(\d+)x$/

function analyse(nlp: WinkMethods, paragraph: string): Sentence[] {
  const codes: string[] = []
  // Inline math ("$x_i - \mu$", Pandoc's rule: no space inside its dollars, no digit after) is masked like code.
  const masked = paragraph.replace(/`[^`]+`|\$(?=\S)[^$\n]*?\S\$(?!\d)/g, (code) => `Zq${codes.push(code) - 1}x`)
  const unmask = (text: string) => text.replace(/Zq(\d+)x/g, (_, index: string) => codes[Number(index)] ?? '')
  const its = nlp.its
  const doc = nlp.readDoc(masked)
  const sentences: (Sentence & { start: number })[] = []
  let cursor = 0
  doc.sentences().each((sentence: ItemSentence) => {
    const values = sentence.tokens().out()
    // wink's its.* are plain accessor functions that never use `this`.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const tags: string[] = sentence.tokens().out(its.pos)
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const lemmas: string[] = sentence.tokens().out(its.lemma as typeof its.value)
    const tokens = values.map((value, i) => {
      const code = PLACEHOLDER.exec(value.toLowerCase())
      return code ? { text: codes[Number(code[1])] ?? value, pos: 'CODE', lemma: value } : { text: value, pos: tags[i] ?? 'X', lemma: lemmas[i] ?? value.toLowerCase() }
    })
    repairNounAfterArticle(tokens)
    repairVerbAfterSingular(tokens)
    repairVerbless(tokens)
    const out = sentence.out()
    const found = masked.indexOf(out, cursor)
    const start = found >= 0 ? found : cursor
    const end = found >= 0 ? found + out.length : cursor
    cursor = end
    const previous = sentences[sentences.length - 1]
    // A "sentence" that starts in lower case continues the one before ("… file cubane." + "pdb is …").
    if (previous && /^[a-z]/.test(out)) {
      previous.text = unmask(masked.slice(previous.start, end)).trim()
      previous.tokens.push(...tokens)
    } else sentences.push({ text: unmask(out).trim(), tokens, start })
  })
  return sentences.flatMap(({ text, tokens }) => splitAfterUnit({ text, tokens }))
}

/** "… above about 140 °C. The inside …": the model reads a one-letter unit after a number as an initial and runs on. */
const UNIT_END = /(?<=\d\s?°?\s?[A-Z]\.)\s+(?=[A-Z][a-z])/

function splitAfterUnit(sentence: Sentence): Sentence[] {
  const cut = UNIT_END.exec(sentence.text)
  const at = cut ? sentence.tokens.findIndex((token, index) => /^[A-Z]\.$/.test(token.text) && /^(?:NUM|SYM)$/.test(sentence.tokens[index - 1]?.pos ?? '')) : -1
  if (!cut || at < 0) return [sentence]
  const head = { text: sentence.text.slice(0, cut.index), tokens: sentence.tokens.slice(0, at + 1) }
  return [head, ...splitAfterUnit({ text: sentence.text.slice(cut.index + cut[0].length), tokens: sentence.tokens.slice(at + 1) })]
}

const VERB_TAGS = new Set(['VERB', 'AUX'])

/**
 * The small model sometimes tags a sentence's only verb as a noun ("Active transport moves
 * substances", "Cells release proteins"), which would make a verb part of a noun-phrase blank.
 * In a sentence without any verb, the word that must be one is re-tagged: after a plural
 * subject, the next word; else the first -s word after the subject (a noun or a command).
 */
function repairVerbless(tokens: Token[]): void {
  // A gerund ("matching rows") is no main verb: "Regular `JOIN` returns/NOUN only matching rows".
  if (tokens.some((token) => VERB_TAGS.has(token.pos) && !/ing$/i.test(token.text))) return
  const start = tokens.findIndex((token) => token.pos === 'NOUN' || token.pos === 'PROPN' || token.pos === 'CODE')
  if (start < 0) return
  const plural = /[^s]s$/i.test(tokens[start]!.text)
  for (let i = start + 1; i < tokens.length && (tokens[i]!.pos === 'NOUN' || tokens[i]!.pos === 'ADJ'); i++) {
    if (plural || /[^s]s$/.test(tokens[i]!.text)) {
      tokens[i] = { ...tokens[i]!, pos: 'VERB' }
      return
    }
  }
  // "Most central banks, like …, target/NOUN an inflation rate": a noun never takes an article after it; a verb does.
  // "The Bank and the Reserve both target/NOUN an inflation rate": nor does one after a floating "both" or "all".
  for (let i = start + 1; i < tokens.length - 1; i++) {
    const before = tokens[i - 1]!
    if (tokens[i]!.pos === 'NOUN' && /^(?:a|an|the)$/i.test(tokens[i + 1]!.text) && (/^(?:PUNCT|NOUN|PROPN|ADV)$/.test(before.pos) || /^(?:both|all)$/i.test(before.text))) {
      tokens[i] = { ...tokens[i]!, pos: 'VERB' }
      return
    }
  }
  // "`ls` on its own lists the directory": past a short phrase, the first -s word before an article.
  for (let i = start + 1; i < Math.min(tokens.length - 1, start + 6); i++) {
    if (tokens[i]!.pos === 'NOUN' && /[^s]s$/.test(tokens[i]!.text) && tokens[i + 1]!.pos === 'DET') {
      tokens[i] = { ...tokens[i]!, pos: 'VERB' }
      return
    }
  }
}

/**
 * "creates a new/ADV commit/VERB that …": an article is never followed by a finite verb, so a
 * word the model read as a verb after one (modifiers between) is the phrase's noun, unless a noun
 * follows it ("the running/VERB process" is a participle modifying "process"); an adverb right
 * before that noun is its adjective.
 */
function repairNounAfterArticle(tokens: Token[]): void {
  tokens.forEach((token, article) => {
    if (!/^(?:a|an|the)$/i.test(token.text)) return
    let head = article + 1
    while (/^(?:ADJ|ADV)$/.test(tokens[head]?.pos ?? '') && !/^(?:not|never|also|then|now|often|always)$/i.test(tokens[head]!.text)) head++
    // "a new lock file/VERB": a base-form verb cannot follow a singular noun it would agree with, so it ends the compound
    // ("let the cell divide" excepted: after a causative the noun is its object).
    const singular =
      tokens[head]?.pos === 'NOUN' &&
      tokens[head]!.text.toLowerCase() === tokens[head]!.lemma &&
      !/^(?:let|make|made|help|have|watch|see|hear)$/i.test(tokens[article - 1]?.text ?? '')
    if (singular && tokens[head + 1]?.pos === 'VERB' && tokens[head + 1]!.text.toLowerCase() === tokens[head + 1]!.lemma) head++
    const word = tokens[head]
    if (!word || word.pos !== 'VERB' || /(?:ing|ed)$/i.test(word.text) || /^(?:NOUN|PROPN|ADJ|CODE)$/.test(tokens[head + 1]?.pos ?? '')) return
    tokens[head] = { ...word, pos: 'NOUN' }
    if (tokens[head - 1]!.pos === 'ADV') tokens[head - 1] = { ...tokens[head - 1]!, pos: 'ADJ' }
  })
}

/**
 * "of a good/ADJ responds/NOUN to …": a plural after "a" cannot be its noun, so it is the verb and
 * the word before it the noun ("a few items" is a count, not a noun).
 */
function repairVerbAfterSingular(tokens: Token[]): void {
  tokens.forEach((token, article) => {
    if (!/^(?:a|an)$/i.test(token.text)) return
    let head = article + 1
    while (tokens[head]?.pos === 'ADJ' && !/^(?:few|couple|dozen|lot|great|good many|hundred|thousand|million)$/i.test(tokens[head]!.text)) head++
    const word = tokens[head]
    const plural = (token: Token | undefined) => token?.pos === 'NOUN' && /[^su]s$/i.test(token.text) && token.lemma !== token.text.toLowerCase()
    // "A Git repository stores/NOUN every version": after a singular compound, a plural before an article is its verb.
    let noun = head
    while (/^(?:NOUN|PROPN)$/.test(tokens[noun]?.pos ?? '') && !plural(tokens[noun])) noun++
    if (noun > head && plural(tokens[noun]) && tokens[noun + 1]?.pos === 'DET') {
      tokens[noun] = { ...tokens[noun]!, pos: 'VERB' }
      return
    }
    if (!plural(word) || head === article + 1 || tokens[head - 1]!.pos !== 'ADJ') return
    tokens[head - 1] = { ...tokens[head - 1]!, pos: 'NOUN' }
    tokens[head] = { ...word!, pos: 'VERB' }
  })
}

const verbs = new Map<string, boolean>()

/**
 * Whether a word can be a verb at all, by asking the model to read it in a verb's place ("They
 * protein it." reads "protein" as a noun): the small model sometimes tags a plural noun a verb
 * ("Receptor proteins/VERB bind …"), and a question built on it would be nonsense.
 */
export function canBeVerb(analyse: Analyser, lemma: string): boolean {
  let known = verbs.get(lemma)
  if (known === undefined) {
    known = analyse(`They ${lemma} it.`)[0]?.tokens[1]?.pos === 'VERB'
    if (verbs.size < 10_000) verbs.set(lemma, known)
  }
  return known
}
