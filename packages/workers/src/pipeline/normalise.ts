import { parse as parseYaml } from 'yaml'
import type { SourceDocument } from '../content/types.js'
import { atxHeading } from '../extract/markdown-heading.js'

/** A piece of a section. Text is plain (markdown emphasis and links removed); code stays verbatim. */
export type Block =
  | { kind: 'paragraph'; text: string; terms: string[] }
  | { kind: 'list'; items: string[]; terms: string[] }
  | { kind: 'code'; text: string; lang: string | undefined }
  | { kind: 'cue'; text: string; start: number; end: number }

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
  if (content.format === 'markdown') return normaliseMarkdown(name, content.text, content.title)
  // pdf, docx, html and plain text arrive as paragraphs of text; read them with the same rules minus headings.
  const doc = normaliseMarkdown(name, content.text.replace(/^(#+)(?=\s)/gm, '\\$1'), content.title)
  return doc
}

function normaliseMarkdown(name: string, input: string, title: string | undefined): NormalisedDocument {
  const { body, data } = splitFrontMatter(input.replace(/\r\n?/g, '\n'))
  const keypoints = KEYPOINT_KEYS.flatMap((key) => asStrings(data[key])).map((point) => plain(point).text)
  const docTitle = typeof data.title === 'string' ? data.title : title

  const sections: Section[] = [{ path: [], blocks: [] }]
  const headingStack: string[] = []
  let paragraph: string[] = []
  let list: string[] | undefined
  const current = () => sections[sections.length - 1]!
  const flushParagraph = () => {
    if (paragraph.length > 0) {
      const { text, terms } = plain(paragraph.join(' '))
      if (text !== '') current().blocks.push({ kind: 'paragraph', text, terms })
      paragraph = []
    }
  }
  const flushList = () => {
    if (list && list.length > 0) {
      const parsed = list.map(plain).filter((item) => item.text !== '')
      current().blocks.push({ kind: 'list', items: parsed.map((item) => item.text), terms: parsed.flatMap((item) => item.terms) })
    }
    list = undefined
  }

  const lines = body.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const fence = /^\s*(```+|~~~+)\s*([\w+-]*)/.exec(line)
    if (fence) {
      flushParagraph()
      flushList()
      const code: string[] = []
      const marker = fence[1]!
      for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(marker); i++) code.push(lines[i]!)
      const text = code.join('\n').trimEnd()
      if (text !== '') current().blocks.push({ kind: 'code', text, lang: fence[2] || undefined })
      continue
    }
    const heading = atxHeading(line)
    if (heading) {
      flushParagraph()
      flushList()
      const level = heading.level
      headingStack.length = Math.min(headingStack.length, level - 1)
      while (headingStack.length < level - 1) headingStack.push('')
      headingStack.push(plain(heading.text).text)
      sections.push({ path: headingStack.filter((part) => part !== ''), blocks: [] })
      continue
    }
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(\S.*)?$/.exec(line)
    if (item) {
      flushParagraph()
      list ??= []
      list.push(item[1] ?? '')
      continue
    }
    if (line.trim() === '' || /^\s*(<!--.*-->|---+|\*\*\*+)\s*$/.test(line)) {
      flushParagraph()
      // A blank line inside a list only ends it when the next line is not another item.
      if (list && !/^\s*(?:[-*+]|\d+[.)])\s+/.test(lines[i + 1] ?? '')) flushList()
      continue
    }
    if (list && /^\s{2,}\S/.test(line)) {
      list[list.length - 1] += ` ${line.trim()}`
      continue
    }
    flushList()
    paragraph.push(line.replace(/^\s*>\s?/, '').trim())
  }
  flushParagraph()
  flushList()
  return { name, title: docTitle, keypoints, sections: sections.filter((section) => section.blocks.length > 0) }
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

/** Markdown inline syntax to plain text, remembering emphasised terms (the author's key terms). */
export function plain(markdown: string): { text: string; terms: string[] } {
  const terms: string[] = []
  const text = markdown
    .replace(/!\[[^[\]]*\]\([^()]*\)/g, '')
    .replace(/\[([^[\]]+)\]\([^()]*\)/g, '$1')
    .replace(/<[^<>]+>/g, '')
    .replace(/(\*\*|__)(.+?)\1/g, (_, _m: string, term: string) => {
      terms.push(term.replace(/`/g, ''))
      return term
    })
    .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=[\s).,;:!?]|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!])/g, '$1')
  return { text: collapse(text), terms: [...new Set(terms.map(collapse).filter((term) => term !== ''))] }
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
