import type { Block } from '../../pipeline/normalise.js'

/**
 * Subtitles cut speech wherever the screen is full, so a sentence often runs over two or three
 * cues ("A semitone is the smallest step on the piano," | "from one key to the next …"). Stage A
 * reads a run of cues as one spoken paragraph, with what a speaker says while thinking removed.
 */
export function withSpokenParagraphs(blocks: Block[]): Block[] {
  const merged: Block[] = []
  for (const block of blocks) {
    const last = merged[merged.length - 1]
    if (block.kind === 'cue' && last?.kind === 'cue') merged[merged.length - 1] = { ...last, text: `${last.text} ${block.text}`, end: block.end }
    else merged.push(block)
  }
  return merged.map((block) => (block.kind === 'cue' ? { ...block, text: withoutFillers(block.text) } : block))
}

/**
 * "um", "uh", "you know", and "[plays C and E]" stage directions: sounds and asides, no words of
 * the lesson. The commas around one go with it ("eight solar masses, you know, ends its life"),
 * but for one before an apposition.
 */
const FILLER = /(,\s*)?(?:\b(?:u+m+|u+h+|e+r+m+|hm{2,}|you know|I mean|sort of|kind of)\b|\[[^\]]{1,80}\])(\s*,)?/gi
/** "So an interval is …", "Okay, so, welcome …", "Now, every interval …": markers that open a spoken sentence and tie it to nothing. */
const OPENER = /(^|[.?!]\s+)(?:(?:so|okay|ok|now|right|alright|well|and|anyway),?\s+)+(?=\p{L})/giu

function withoutFillers(text: string): string {
  return text
    .replace(FILLER, (filler: string, before: string | undefined, after: string | undefined, at: number, whole: string) =>
      // "range, you know, the smallest difference": before a noun phrase in apposition one comma stays.
      before && after && /^\s*(?:the|an?|one|two|three|its|their)\b/i.test(whole.slice(at + filler.length)) ? ', ' : ' ',
    )
    .replace(/\s{2,}/g, ' ')
    .replace(/\s+([,.?!])/g, '$1')
    .replace(/,{2,}/g, ',')
    .replace(OPENER, (_, before: string) => before)
    .replace(/(^|[.?!]\s+)(\p{Ll})/gu, (_, before: string, letter: string) => `${before}${letter.toUpperCase()}`)
    .trim()
}
