import { parse as parseYaml } from 'yaml'
import type { SourceDocument } from '../content/types.js'
import { collapse, inlineText, type MarkedTerm } from './inline-markup.js'
import type { Box } from './boxes.js'
import { SectionReader } from './section-reader.js'

/**
 * A piece of a section. Text is plain (links, emphasis and roles removed) except inline code,
 * which keeps its backticks; code blocks stay verbatim. `box` says which callout box (fenced
 * div or MyST directive) holds the block, when one does.
 */
export type Block =
  | { kind: 'paragraph'; text: string; terms: MarkedTerm[]; box?: Box; span?: Span }
  | { kind: 'list'; items: string[]; terms: MarkedTerm[]; ordered?: boolean; box?: Box; span?: Span }
  | { kind: 'code'; text: string; lang: string | undefined; box?: Box; span?: Span }
  /** A pipe table: its header cells and rows, each cell plain text like a paragraph's. */
  | { kind: 'table'; header: string[]; rows: string[][]; box?: Box; span?: Span }
  | { kind: 'cue'; text: string; start: number; end: number }

/** Where a block stands in its document's extracted text: character offsets, end exclusive. */
export type Span = [start: number, end: number]

export interface Section {
  /** Headings from the document's top down to this section; empty before the first heading. */
  path: string[]
  blocks: Block[]
}

export interface NormalisedDocument {
  name: string
  title: string | undefined
  /** Front-matter key points: statements the author marked as essential. */
  keypoints: string[]
  /** Where the front matter holding them stands. */
  keypointsSpan?: Span
  sections: Section[]
}

/** Front-matter lists of the lesson's facts. Objectives ("Create vectors with `c()`") say what to practise, not what is true: no key points. */
const KEYPOINT_KEYS = ['keypoints', 'key_points', 'keyPoints', 'key-points', 'takeaways']

/** Turns any extracted document into sections of typed blocks, the shape chunking works on. */
export function normaliseDocument(source: SourceDocument): NormalisedDocument {
  const { content, name } = source
  if (content.segments && content.segments.length > 0) {
    const blocks: Block[] = content.segments
      .filter((segment) => segment.text.trim() !== '')
      .map((segment) => ({ kind: 'cue', text: collapse(segment.text), start: segment.start, end: segment.end }))
    return { name, title: content.title, keypoints: [], sections: [{ path: content.title ? [content.title] : [], blocks }] }
  }
  // HTML and Word documents arrive converted to Markdown; pdf and plain text as paragraphs of
  // text, read with the same rules minus headings (a line starting with "#" is no heading there).
  const headings = content.format === 'markdown' || content.format === 'html' || content.format === 'docx'
  return normaliseMarkdown(name, content.text, content.title, headings)
}

/** Spans count in `text` with its line endings made `\n`. */
function normaliseMarkdown(name: string, text: string, title: string | undefined, headings: boolean): NormalisedDocument {
  const input = text.replace(/\r\n?/g, '\n')
  const { body, data } = splitFrontMatter(input)
  const keypoints = KEYPOINT_KEYS.flatMap((key) => asStrings(data[key])).map((point) => inlineText(point).text)
  const docTitle = typeof data.title === 'string' ? data.title : title
  const sections = new SectionReader(body.split('\n'), input.length - body.length, headings).read()
  const frontMatter: Span = [0, input.length - body.length]
  return { name, title: docTitle, keypoints, ...(keypoints.length > 0 ? { keypointsSpan: frontMatter } : {}), sections }
}

function splitFrontMatter(text: string): { body: string; data: Record<string, unknown> } {
  const match = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(text)
  if (!match) return { body: text, data: {} }
  try {
    const data = parseYaml(match[1]!) as unknown
    return { body: text.slice(match[0].length), data: data && typeof data === 'object' ? (data as Record<string, unknown>) : {} }
  } catch {
    // Not YAML after all (a document that starts with a horizontal rule): keep it as text.
    return { body: text, data: {} }
  }
}

function asStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string')
  return []
}
