/** Text helpers shared by the pipeline and the providers: sentences, word shapes, stop words. */

const ABBREVIATIONS = /\b(e\.g|i\.e|etc|vs|Mr|Mrs|Ms|Dr|St|No|approx)\.$/i

/** Sentences of a paragraph; keeps abbreviations like "e.g." inside their sentence. */
export function sentences(text: string): string[] {
  const out: string[] = []
  let current = ''
  for (const part of text.split(/(?<=[.!?])\s+(?=[A-Z0-9"'(`])/)) {
    current = current ? `${current} ${part}` : part
    if (!ABBREVIATIONS.test(current)) {
      out.push(current.trim())
      current = ''
    }
  }
  if (current.trim()) out.push(current.trim())
  return out.filter((sentence) => sentence.length > 0)
}

export const STOP_WORDS = new Set(
  'a an the and or but if then else of to in on at by for with from as is are was were be been being it its this that these those there here which who whom whose what when where why how not no do does did can could should would will may might must shall you your we our they their he she his her them us i me my also than so such into over under about after before between each any all some more most other only own same too very just'.split(
    ' ',
  ),
)

export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? []
}

export function contentWords(text: string): string[] {
  return words(text).filter((word) => !STOP_WORDS.has(word) && word.length > 2)
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

export function stripEndPunctuation(text: string): string {
  return text.replace(/(?<![\s.;:,!])[\s.;:,!]+$/, '')
}

/** The first clause of a statement: cut before "; ", ": ", ", so ", ", but " and dashes, which start a second thought. */
export function firstClause(text: string): string {
  const cut = /[;:]\s|,\s+(?:so|but|therefore|however|and then|which means)\s|(?<!\s)\s+(?:—|–|---?)\s/.exec(text)
  return stripEndPunctuation(cut ? text.slice(0, cut.index) : text)
}

/**
 * True for a word that can only be code in running text: prose sentences start with a capital,
 * so a sentence that starts with `wc`, `$@` or `[first]` names a command, a variable or a path.
 */
export function looksLikeCode(firstWord: string): boolean {
  return /^[a-z$.\-*?[/~!<>|]/.test(firstWord) && !STOP_WORDS.has(firstWord.toLowerCase())
}
