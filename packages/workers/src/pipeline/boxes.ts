/**
 * Callout boxes: Pandoc / Carpentries fenced divs (`::::: challenge` … `:::::`), MyST directives
 * (```` ```{note} ````) and the class names HTML and DOCX extraction turn into fenced divs. What a
 * box holds decides whether its text makes cards:
 * - `keypoints`: the author's summary, as good as front-matter key points;
 * - `exercise`: challenges, solutions, questions, objectives, instructor notes, setup steps and
 *   command output: questions or answers to one task, not facts to remember on their own (C15);
 * - `callout`: an information box (`callout`, `note`, `important`, …), read like the body.
 */
export type Box = 'keypoints' | 'exercise' | 'callout'

/**
 * A fenced-div line: `{ name }` for one that opens a box (`::: {.challenge}`, `:::::: solution`),
 * `{}` for a bare closing fence, undefined for any other line. Parsed without a regex over the
 * whole line, so a fence followed by thousands of spaces costs no backtracking.
 */
export function fencedDiv(line: string): { name?: string } | undefined {
  const text = line.trim()
  if (!text.startsWith(':::')) return undefined
  const rest = text.replace(/^:+/, '').replace(/:+$/, '').trim()
  if (rest === '') return {}
  const name = /^\{?\s*\.?([A-Z][\w-]*)/i.exec(rest)?.[1]
  return name ? { name: name.toLowerCase() } : undefined
}

const EXERCISE = new Set(
  'challenge solution solutions questions objectives instructor instructor-note discussion spoiler hint exercise exercises quiz prereq prerequisite checklist testimonial setup output'.split(
    ' ',
  ),
)
const KEYPOINTS = new Set(['keypoints', 'key-points', 'takeaways', 'summary', 'key-point'])
/** MyST directives that hold prose (their body is read) and those whose body is no text (figures). */
const PROSE_DIRECTIVES = new Set('note tip important warning caution attention hint admonition seealso danger error callout'.split(' '))
const SKIPPED_DIRECTIVES = new Set('figure image toctree raw mermaid math glue tableofcontents bibliography'.split(' '))

/**
 * Sections whose heading says they hold tasks, worked examples or sources rather than the
 * lesson's facts ("Exercises", "Check your understanding", "Worked example: a /26 subnet",
 * "3.4 Practice questions", "Further reading"): read as an exercise box.
 */
const EXERCISE_HEADING =
  /^(?:[\d.]+\s+)?(?:exercises?|practice(?: questions| problems| exercises)?|check your understanding|test yourself|self[- ]?(?:assessment|test|check)|quiz(?:zes)?|review questions|questions|problems|homework|assignments?|activit(?:y|ies)|try it(?: yourself)?|worked examples?|example \d+|discussion(?: questions)?|answers?|solutions?|further reading|references|bibliography|sources)\b/i

export function isExerciseHeading(heading: string): boolean {
  return EXERCISE_HEADING.test(heading.trim())
}

/** The box a block is in, from the classes of the boxes around it, outermost first. */
export function boxOf(names: string[]): Box | undefined {
  if (names.length === 0) return undefined
  if (names.some((name) => EXERCISE.has(name))) return 'exercise'
  if (names.some((name) => KEYPOINTS.has(name))) return 'keypoints'
  return 'callout'
}

/** What a fenced block's info string is: a prose directive, a skipped directive, or code. */
export function directiveOf(info: string): 'prose' | 'skip' | 'code' {
  const name = /^\{([\w-]+)\}$/.exec(info)?.[1]?.toLowerCase()
  if (!name) return 'code'
  if (PROSE_DIRECTIVES.has(name)) return 'prose'
  return SKIPPED_DIRECTIVES.has(name) ? 'skip' : 'code'
}
