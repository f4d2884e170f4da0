import { parse as parseYaml } from 'yaml'
import type { SourceDocument } from '../content/types.js'
import { collapse, inlineText, withoutBackticks, type MarkedTerm } from './inline-markup.js'
import { boxOf, directiveOf, fencedDiv, type Box } from './boxes.js'
import { atxHeading } from '../extract/markdown-heading.js'

/**
 * A piece of a section. Text is plain (links, emphasis and roles removed) except inline code,
 * which keeps its backticks; code blocks stay verbatim. `box` says which callout box (fenced
 * div or MyST directive) holds the block, when one does.
 */
export type Block =
  | { kind: 'paragraph'; text: string; terms: MarkedTerm[]; box?: Box; span?: Span }
  | { kind: 'list'; items: string[]; terms: MarkedTerm[]; ordered?: boolean; box?: Box; span?: Span }
  | { kind: 'code'; text: string; lang: string | undefined; box?: Box; span?: Span }
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
  /** Front-matter key points and objectives: statements the author marked as essential. */
  keypoints: string[]
  /** Where the front matter holding them stands. */
  keypointsSpan?: Span
  sections: Section[]
}

const KEYPOINT_KEYS = ['keypoints', 'key_points', 'keyPoints', 'key-points', 'objectives', 'learning_objectives', 'takeaways']

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

  const sections: Section[] = [{ path: [], blocks: [] }]
  const headingStack: string[] = []
  let paragraph: string[] = []
  let list: string[] | undefined
  let ordered = false
  /** Where the open paragraph or list began in `input`, and where its last line ends. */
  let span: Span | undefined
  const lines = body.split('\n')
  const lineStart: number[] = []
  for (let i = 0, at = input.length - body.length; i < lines.length; at += lines[i]!.length + 1, i++) lineStart.push(at)
  const extend = (i: number) => {
    span = [span?.[0] ?? lineStart[i]!, lineStart[i]! + lines[i]!.length]
  }
  const takeSpan = (): { span?: Span } => {
    const taken = span
    span = undefined
    return taken ? { span: taken } : {}
  }
  /** Open callout boxes, innermost last; a directive's entry is its closing fence. */
  const boxes: { name: string; close?: string; path: string[]; headings: string[] }[] = []
  const current = () => sections[sections.length - 1]!
  const box = () => boxOf(boxes.map((open) => open.name))
  const withBox = <T extends Block>(block: T): T => {
    const where = box()
    return where ? { ...block, box: where } : block
  }
  const flushParagraph = () => {
    if (paragraph.length > 0) {
      const { text, terms } = inlineText(paragraph.join(' '))
      const where = takeSpan()
      if (text !== '') current().blocks.push(withBox({ kind: 'paragraph', text, terms, ...where }))
      paragraph = []
    }
  }
  const flushList = () => {
    const where = list ? takeSpan() : {}
    if (list && list.length > 0) {
      const parsed = list.map(inlineText).filter((item) => item.text !== '')
      current().blocks.push(
        withBox({ kind: 'list', items: parsed.map((item) => item.text), terms: parsed.flatMap((item) => item.terms), ...(ordered ? { ordered } : {}), ...where }),
      )
    }
    list = undefined
  }
  const flush = () => {
    flushParagraph()
    flushList()
  }
  // A key-points box is the author's summary: its own section, never the nearest heading's.
  const openBox = (name: string, close?: string) => {
    flush()
    boxes.push({ name, ...(close ? { close } : {}), path: current().path, headings: [...headingStack] })
    if (boxOf([name]) === 'keypoints') sections.push({ path: [...current().path.slice(0, 1), 'Key points'], blocks: [] })
  }
  // Text after a box is under the heading before it, not a heading the box had inside.
  const closeBox = () => {
    flush()
    const closed = boxes.pop()
    if (!closed || current().path.join('\n') === closed.path.join('\n')) return
    headingStack.length = 0
    headingStack.push(...closed.headings)
    sections.push({ path: closed.path, blocks: [] })
  }

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const div = fencedDiv(line)
    if (div) {
      if (div.name) openBox(div.name)
      else if (boxes.length > 0 && !boxes[boxes.length - 1]!.close) closeBox()
      continue
    }
    const top = boxes[boxes.length - 1]
    if (top?.close && line.trim() === top.close) {
      closeBox()
      continue
    }
    // MyST: `(label)=` targets, `:option: value` lines of a directive, link definitions.
    if (/^\s*\([\w.:-]+\)=\s*$|^\s*:[\w-]+:(?:\s|$)|^\s{0,3}\[[^\]]+\]:\s/.test(line)) continue
    const fence = /^\s*(`{3,}|~{3,})\s*(\{[\w-]+\}|[\w+-]*)/.exec(line)
    if (fence) {
      flush()
      const marker = fence[1]!
      const directive = directiveOf(fence[2] ?? '')
      // Admonitions hold prose: read on, inside their box, until their own fence closes them.
      if (directive === 'prose') {
        openBox(fence[2]!.slice(1, -1).toLowerCase(), marker)
        continue
      }
      const code: string[] = []
      const opened = i
      for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(marker); i++) code.push(lines[i]!)
      const text = code.join('\n').trimEnd()
      const closed = Math.min(i, lines.length - 1)
      const where: Span = [lineStart[opened]!, lineStart[closed]! + lines[closed]!.length]
      if (text !== '' && directive !== 'skip') current().blocks.push(withBox({ kind: 'code', text, lang: fence[2] || undefined, span: where }))
      continue
    }
    const heading = headings ? atxHeading(line) : undefined
    if (heading) {
      flushParagraph()
      flushList()
      const level = heading.level
      // A heading closes no box: a challenge's "## Title" stays in the challenge.
      headingStack.length = Math.min(headingStack.length, level - 1)
      while (headingStack.length < level - 1) headingStack.push('')
      headingStack.push(withoutBackticks(inlineText(heading.text).text))
      sections.push({ path: headingStack.filter((part) => part !== ''), blocks: [] })
      continue
    }
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(\S.*)?$/.exec(line)
    if (item) {
      flushParagraph()
      // A numbered list is a sequence: its order is part of what it says.
      if (!list) ordered = /^\s*\d/.test(line)
      list ??= []
      list.push(item[1] ?? '')
      extend(i)
      continue
    }
    if (line.trim() === '' || /^\s*(?:<!--.*-->|-{3,}|\*{3,})\s*$/.test(line)) {
      flushParagraph()
      // A blank line inside a list only ends it when the next line is not another item.
      if (list && !/^\s*(?:[-*+]|\d+[.)])\s+/.test(lines[i + 1] ?? '')) flushList()
      continue
    }
    if (list && /^\s{2,}\S/.test(line)) {
      list[list.length - 1] += ` ${line.trim()}`
      extend(i)
      continue
    }
    flushList()
    paragraph.push(line.replace(/^\s*>\s?/, '').trim())
    extend(i)
  }
  flushParagraph()
  flushList()
  const frontMatter: Span = [0, input.length - body.length]
  return { name, title: docTitle, keypoints, ...(keypoints.length > 0 ? { keypointsSpan: frontMatter } : {}), sections: sections.filter((section) => section.blocks.length > 0) }
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
