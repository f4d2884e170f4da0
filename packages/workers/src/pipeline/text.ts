/** Word helpers shared by the pipeline and the providers: word shapes and stop words. */

export const STOP_WORDS = new Set(
  'a an the and or but if then else of to in on at by for with from as is are was were be been being it its this that these those there here which who whom whose what when where why how not no do does did can could should would will may might must shall you your we our they their he she his her them us i me my also than so such into over under about after before between each every any all some more most other only own same too very just'.split(
    ' ',
  ),
)

export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? []
}

export function contentWords(text: string): string[] {
  return words(text).filter((word) => !STOP_WORDS.has(word) && word.length > 2)
}

/** Lower case, punctuation to spaces: how texts are compared for grounding and duplicates. */
export function comparable(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `
}
