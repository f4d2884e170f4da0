import type { Block } from '../../pipeline/normalise.js'
import type { Chunk } from '../../pipeline/chunk.js'

/**
 * What part of a lesson a block belongs to, as fenced-div callouts (Pandoc / Software Carpentry:
 * `::::: challenge` … `:::::`) mark it:
 * - `body`: the lesson's own prose, and information boxes (`callout`, `note`, …);
 * - `keypoints`: the author's summary, as good as front-matter key points;
 * - `exercise`: challenges, solutions, questions, objectives and instructor notes. Their lists
 *   are answer options and their sentences are questions or answers to one exercise, not facts
 *   a learner should remember on their own.
 */
export type Region = 'body' | 'keypoints' | 'exercise'

/** A block with its fence markers removed and the region it is in. */
export interface PlacedBlock {
  block: Block
  region: Region
}

const EXERCISE = new Set(['challenge', 'solution', 'questions', 'objectives', 'instructor', 'discussion', 'spoiler', 'hint', 'exercise', 'quiz'])
const KEYPOINTS = new Set(['keypoints', 'key-points', 'takeaways', 'summary'])
/** A fence with the class it opens, or a bare fence that closes the innermost one. */
const FENCE = /^:{3,}\s*(?:\{?\.?([A-Za-z][\w-]*)\}?)?$/
const LEADING_FENCE = /^:{3,}\s*(?:\{?\.?([A-Za-z][\w-]*)\}?)?\s+/
const TRAILING_FENCE = /(?<!\s)\s+:{3,}\s*(?:\{?\.?([A-Za-z][\w-]*)\}?)?$/

type Event = { open: string } | { close: true }

/**
 * Places every block of a chunk in its region. A chunk can start inside a callout opened in the
 * chunk before it (the callout's title is the chunk's heading), so the starting region is read
 * from the chunk itself: a "Solution" heading, a solution opened before anything closes (the
 * chunk is its challenge), or a close with a question before it (a challenge without solution).
 */
export function placeBlocks(chunk: Chunk): PlacedBlock[] {
  const pieces = chunk.blocks.map(splitFences)
  const stack: string[] = [startingClass(chunk, pieces)].filter((name) => name !== '')
  const placed: PlacedBlock[] = []
  for (const piece of pieces) {
    for (const event of piece.before) apply(stack, event)
    if (piece.block) placed.push({ block: piece.block, region: regionOf(stack) })
    for (const event of piece.after) apply(stack, event)
  }
  return placed
}

interface Piece {
  before: Event[]
  block: Block | undefined
  after: Event[]
}

/** Separates fence markers from a block's text; a paragraph may carry one at either end. */
function splitFences(block: Block): Piece {
  if (block.kind !== 'paragraph') return { before: [], block, after: [] }
  let text = block.text
  const before: Event[] = []
  const after: Event[] = []
  const whole = FENCE.exec(text)
  if (whole) return { before: [eventOf(whole[1])], block: undefined, after: [] }
  const leading = LEADING_FENCE.exec(text)
  if (leading && (leading[1] === undefined || isKnownClass(leading[1]))) {
    before.push(eventOf(leading[1]))
    text = text.slice(leading[0].length)
  }
  const trailing = TRAILING_FENCE.exec(text)
  if (trailing) {
    after.push(eventOf(trailing[1]))
    text = text.slice(0, trailing.index)
  }
  return { before, block: text === '' ? undefined : { ...block, text }, after }
}

function isKnownClass(name: string): boolean {
  const lower = name.toLowerCase()
  return EXERCISE.has(lower) || KEYPOINTS.has(lower) || lower === 'callout'
}

function eventOf(name: string | undefined): Event {
  return name === undefined ? { close: true } : { open: name.toLowerCase() }
}

function apply(stack: string[], event: Event): void {
  if ('open' in event) stack.push(event.open)
  else stack.pop()
}

function regionOf(stack: string[]): Region {
  if (stack.some((name) => EXERCISE.has(name))) return 'exercise'
  if (stack.some((name) => KEYPOINTS.has(name))) return 'keypoints'
  return 'body'
}

function startingClass(chunk: Chunk, pieces: Piece[]): string {
  if (chunk.heading && /^solutions?\b/i.test(chunk.heading)) return 'solution'
  let depth = 0
  let asked = false
  // Returns the class the chunk starts in once the first fence at depth 0 tells it.
  const read = (event: Event): string | undefined => {
    if ('open' in event) {
      if (depth === 0 && event.open === 'solution') return 'challenge'
      depth++
      return undefined
    }
    if (depth === 0) return asked ? 'challenge' : 'callout'
    depth--
    return undefined
  }
  for (const piece of pieces) {
    for (const event of piece.before) {
      const found = read(event)
      if (found) return found
    }
    if (piece.block?.kind === 'paragraph' && depth === 0 && /\?$/.test(piece.block.text)) asked = true
    for (const event of piece.after) {
      const found = read(event)
      if (found) return found
    }
  }
  return ''
}

/** A chunk of the author's summary: front-matter key points or a `keypoints` callout. */
export function isSummary(chunk: Chunk): boolean {
  return chunk.id.endsWith('#key-points') || placeBlocks(chunk).some((placed) => placed.region === 'keypoints')
}
