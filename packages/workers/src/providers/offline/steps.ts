import { MAX_FRONT_CHARS } from '../../pipeline/card-lint.js'
import type { Concept } from '../types.js'
import { chooseBlank, wordIndex } from './blanks.js'
import type { Analyser } from './nlp.js'

type Draft = Omit<Concept, 'chunk_id'>

/**
 * A numbered list under a lead-in ("A typical procedure for using version control is as
 * follows:") is a sequence. CARDS.md E10 / R7: one cloze per step worth recalling, with its
 * neighbours shown for order ("… work on these files → create a {{c1::snapshot}} of the file
 * status → document what was changed …"), never the whole list as one answer.
 */
const MIN_STEPS = 3
const MAX_STEPS = 8
const MAX_STEP_CHARS = 64
/** "is as follows:", "are:", "consists of these steps:": the words that only announce the list. */
const ANNOUNCE =
  /\s*(?:,?\s*\b(?:is|are|goes|runs|looks|proceeds|works)(?:\s+(?:as follows|like this|these|the following))?|\s(?:as follows|consists of(?: the following| these)?(?: steps)?))?\s*:$/i
const SEPARATOR = ' → '

export function stepConcepts(leadIn: string, items: string[], analyse: Analyser, topic: ReadonlySet<string>): Draft[] {
  if (items.length < MIN_STEPS || items.length > MAX_STEPS || !leadIn.trim().endsWith(':')) return []
  const label = leadIn.trim().replace(ANNOUNCE, '')
  // "Do this:", "The following steps:": a label that leans on its context names no sequence.
  if (label.length < 12 || label.length > 70 || /\b(?:this|these|those|it|they|following|below|above)\b/i.test(label)) return []
  const steps = items.map(shortStep)
  if (steps.some((step) => step === undefined)) return []
  const shown = steps as string[]
  return shown.flatMap((step, index) => {
    const sentence = analyse(`${step.charAt(0).toUpperCase()}${step.slice(1)}.`)[0]
    const blank = sentence ? chooseBlank({ ...sentence, text: step }, [], [], topic) : undefined
    if (!blank || wordIndex(step, blank.text) < 0) return []
    const statement = windowOf(label, shown, index)
    // The blank must stand once, in its own step, for the cloze to hide the right words.
    if (!statement || statement.split(blank.text).length !== 2) return []
    return [{ kind: 'list' as const, term: blank.text, statement, items }]
  })
}

/** "Create files - these may contain text" → "create files": the step's head, lower-cased, or undefined when too long. */
function shortStep(item: string): string | undefined {
  const head = item.split(/\s[-–—]\s|[,;:(]|\.\s|\.$/)[0]!.trim()
  if (head.length < 3 || head.length > MAX_STEP_CHARS) return undefined
  return /^[A-Z][a-z]/.test(head) ? head.charAt(0).toLowerCase() + head.slice(1) : head
}

/** The label and the step with its neighbours ("…" where more steps are hidden), within the front's limit. */
function windowOf(label: string, steps: string[], index: number): string | undefined {
  for (const [from, to] of [
    [index - 1, index + 1],
    [index - 1, index],
    [index, index + 1],
    [index, index],
  ] as const) {
    const start = Math.max(0, from)
    const end = Math.min(steps.length - 1, to)
    const neighbours = steps.slice(start, end + 1).filter((_, at) => start + at !== index)
    // A neighbour that points ("work on these files") reads wrong out of its list (C9): leave it out.
    if (neighbours.some((step) => /\b(?:this|these|that|those|it|them)\b/i.test(step))) continue
    const shown = steps.slice(start, end + 1).join(SEPARATOR)
    const text = `${label}: ${start > 0 ? `…${SEPARATOR}` : ''}${shown}${end < steps.length - 1 ? `${SEPARATOR}…` : ''}`
    if (text.length <= MAX_FRONT_CHARS) return text
  }
  return undefined
}
