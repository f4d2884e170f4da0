import { inlineText, withoutBackticks } from './inline-markup.js'
import { boxOf, directiveOf, fencedDiv, isExerciseHeading } from './boxes.js'
import { atxHeading } from '../extract/markdown-heading.js'
import type { Block, Section, Span } from './normalise.js'

/** An open callout box: a directive's entry holds its closing fence; `path` and `headings` are where it opened. */
interface OpenBox {
  name: string
  close?: string
  path: string[]
  headings: string[]
}

// MyST: `(label)=` targets, `:option: value` lines of a directive, link definitions.
const MYST_MARKUP = /^\s*\([\w.:-]+\)=\s*$|^\s*:[\w-]+:(?:\s|$)|^\s{0,3}\[[^\]]+\]:\s/
const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+(\S.*)?$/
const LABEL_LINE = /^(\*\*|__|\*|_)(?![*_\s])[^*_]{1,100}(?<![.!?\s])\1$/
/** A GFM pipe table: a row of cells, and under its header the delimiter row ("| --- | :---: |"). */
const TABLE_ROW = /^\s*\|.*\|\s*$/
const TABLE_DELIMITER = /^\s*\|(?:\s*:?-{3,}:?\s*\|)+\s*$/
const BREAK = /^\s*(?:<!--.*-->|-{3,}|\*{3,})\s*$/

/**
 * Reads a Markdown body line by line into sections of typed blocks: headings open sections,
 * paragraphs and lists gather lines until a break, code blocks stay verbatim, and callout boxes
 * (fenced divs, MyST directives) mark the blocks they hold. Without `headings` (pdf, plain text)
 * a line starting with "#" is text.
 */
export class SectionReader {
  private readonly sections: Section[] = [{ path: [], blocks: [] }]
  private readonly headingStack: string[] = []
  private paragraph: string[] = []
  private list: string[] | undefined
  private ordered = false
  /** Where the open paragraph or list began, and where its last line ends. */
  private span: Span | undefined
  /** Open callout boxes, innermost last. */
  private readonly boxes: OpenBox[] = []
  /** Each line's offset in the whole text (the body starts at `offset`, after any front matter). */
  private readonly lineStart: number[] = []

  constructor(
    private readonly lines: string[],
    offset: number,
    private readonly headings: boolean,
  ) {
    for (let i = 0, at = offset; i < lines.length; at += lines[i]!.length + 1, i++) this.lineStart.push(at)
  }

  /** The sections that hold blocks, in document order. */
  read(): Section[] {
    for (let i = 0; i < this.lines.length; i++) i = this.readLine(i)
    this.flush()
    return this.sections.filter((section) => section.blocks.length > 0)
  }

  /** Reads line `i` (and, for a code block, the lines it owns); returns the index of the last line read. */
  private readLine(i: number): number {
    const line = this.lines[i]!
    const div = fencedDiv(line)
    if (div) {
      if (div.name) this.openBox(div.name)
      else if (this.boxes.length > 0 && !this.boxes[this.boxes.length - 1]!.close) this.closeBox()
      return i
    }
    const top = this.boxes[this.boxes.length - 1]
    if (top?.close && line.trim() === top.close) {
      this.closeBox()
      return i
    }
    if (MYST_MARKUP.test(line)) return i
    const fence = /^\s*(`{3,}|~{3,})\s*(\{[\w-]+\}|[\w+-]*)/.exec(line)
    if (fence) return this.readFence(i, fence[1]!, fence[2] ?? '')
    // Display math ("$$ … $$") is a formula, kept verbatim like code, never read as prose.
    if (/^\s*\$\$/.test(line)) return /^\s*\$\$.+\$\$\s*$/.test(line) ? this.readMathLine(i) : this.readFence(i, '$$', 'math')
    const heading = this.headings ? atxHeading(line) : this.plainHeading(i)
    if (heading) {
      this.openHeading(heading.level, heading.text)
      return i
    }
    if (TABLE_ROW.test(line) && TABLE_DELIMITER.test(this.lines[i + 1] ?? '')) return this.readTable(i)
    const item = LIST_ITEM.exec(line)
    if (item) {
      this.flushParagraph()
      // A numbered list is a sequence: its order is part of what it says.
      if (!this.list) this.ordered = /^\s*\d/.test(line)
      this.list ??= []
      this.list.push(item[1] ?? '')
    } else if (line.trim() === '' || BREAK.test(line)) {
      this.flushParagraph()
      // A blank line inside a list only ends it when the next line is not another item.
      if (this.list && !/^\s*(?:[-*+]|\d+[.)])\s+/.test(this.lines[i + 1] ?? '')) this.flushList()
      return i
    } else if (this.list && /^\s{2,}\S/.test(line)) {
      this.list[this.list.length - 1] += ` ${line.trim()}`
    } else {
      this.flushList()
      this.paragraph.push(line.replace(/^\s*>\s?/, '').trim())
    }
    this.extend(i)
    return i
  }

  /**
   * In plain text, a line standing alone between blank lines is a heading when it is in capitals
   * ("PRICE ELASTICITY OF DEMAND") or a short title without a full stop ("Lecture 4 notes").
   */
  private plainHeading(i: number): { level: number; text: string } | undefined {
    const line = this.lines[i]!.trim()
    const alone = (this.lines[i - 1] ?? '').trim() === '' && (this.lines[i + 1] ?? '').trim() === ''
    if (!alone || this.list) return undefined
    const capitals = /\p{Lu}/u.test(line) && !/\p{Ll}/u.test(line) && /\p{L}{2,}/u.test(line) && line.length <= 80
    const title = /^\p{Lu}[^.!?:;]{0,48}[^\s.!?:;,]$/u.test(line) && line.split(/\s+/).length <= 6
    return capitals || title ? { level: 2, text: line } : undefined
  }

  /** A fence at line `i`: an admonition opens a prose box; anything else is a code block up to its closing fence. */
  private readFence(i: number, marker: string, info: string): number {
    this.flush()
    const directive = directiveOf(info)
    // Admonitions hold prose: read on, inside their box, until their own fence closes them.
    if (directive === 'prose') {
      this.openBox(info.slice(1, -1).toLowerCase(), marker)
      return i
    }
    const code: string[] = []
    const opened = i
    for (i++; i < this.lines.length && !this.lines[i]!.trimStart().startsWith(marker); i++) code.push(this.lines[i]!)
    const text = code.join('\n').trimEnd()
    const closed = Math.min(i, this.lines.length - 1)
    const where: Span = [this.lineStart[opened]!, this.lineStart[closed]! + this.lines[closed]!.length]
    if (text !== '' && directive !== 'skip') this.current().blocks.push(this.withBox({ kind: 'code', text, lang: info || undefined, span: where }))
    return i
  }

  /** A pipe table from line `i` (its header; the delimiter row under it) to the last row; returns that row's index. */
  private readTable(i: number): number {
    this.flush()
    let last = i + 1
    while (TABLE_ROW.test(this.lines[last + 1] ?? '')) last++
    const cells = (line: string) =>
      line
        .trim()
        .replace(/^\||\|$/g, '')
        .split(/(?<!\\)\|/)
        .map((cell) => inlineText(cell.replaceAll('\\|', '|')).text.trim())
    const header = cells(this.lines[i]!)
    const rows = this.lines.slice(i + 2, last + 1).map(cells)
    const span: Span = [this.lineStart[i]!, this.lineStart[last]! + this.lines[last]!.length]
    this.current().blocks.push(this.withBox({ kind: 'table', header, rows, span }))
    return last
  }

  private readMathLine(i: number): number {
    this.flush()
    const line = this.lines[i]!
    this.current().blocks.push(this.withBox({ kind: 'code', text: line.trim(), lang: 'math', span: [this.lineStart[i]!, this.lineStart[i]! + line.length] }))
    return i
  }

  private openHeading(level: number, text: string): void {
    this.flush()
    // A heading closes no box: a challenge's "## Title" stays in the challenge.
    this.headingStack.length = Math.min(this.headingStack.length, level - 1)
    while (this.headingStack.length < level - 1) this.headingStack.push('')
    this.headingStack.push(withoutBackticks(inlineText(text).text))
    this.sections.push({ path: this.headingStack.filter((part) => part !== ''), blocks: [] })
  }

  // A key-points box is the author's summary: its own section, never the nearest heading's.
  private openBox(name: string, close?: string): void {
    this.flush()
    this.boxes.push({ name, ...(close ? { close } : {}), path: this.current().path, headings: [...this.headingStack] })
    if (boxOf([name]) === 'keypoints') this.sections.push({ path: [...this.current().path.slice(0, 1), 'Key points'], blocks: [] })
  }

  // Text after a box is under the heading before it, not a heading the box had inside.
  private closeBox(): void {
    this.flush()
    const closed = this.boxes.pop()
    if (!closed || this.current().path.join('\n') === closed.path.join('\n')) return
    this.headingStack.length = 0
    this.headingStack.push(...closed.headings)
    this.sections.push({ path: closed.path, blocks: [] })
  }

  private current(): Section {
    return this.sections[this.sections.length - 1]!
  }

  private withBox<T extends Block>(block: T): T {
    const exercise = this.headingStack.some(isExerciseHeading) ? ['exercise'] : []
    const where = boxOf([...this.boxes.map((open) => open.name), ...exercise])
    return where ? { ...block, box: where } : block
  }

  private extend(i: number): void {
    this.span = [this.span?.[0] ?? this.lineStart[i]!, this.lineStart[i]! + this.lines[i]!.length]
  }

  private takeSpan(): { span?: Span } {
    const taken = this.span
    this.span = undefined
    return taken ? { span: taken } : {}
  }

  private flush(): void {
    this.flushParagraph()
    this.flushList()
  }

  private flushParagraph(): void {
    if (this.paragraph.length === 0) return
    // "**Personal Finance Foundations, Module 1**" over "*Estimated time: 30 minutes*": lines wholly in
    // emphasis without a full stop are a subtitle or the page's metadata, not a statement.
    if (this.paragraph.every((line) => LABEL_LINE.test(line))) {
      this.paragraph = []
      this.takeSpan()
      return
    }
    const { text, terms } = inlineText(this.paragraph.join(' '))
    const where = this.takeSpan()
    if (text !== '') this.current().blocks.push(this.withBox({ kind: 'paragraph', text, terms, ...where }))
    this.paragraph = []
  }

  private flushList(): void {
    const where = this.list ? this.takeSpan() : {}
    if (this.list && this.list.length > 0) {
      const parsed = this.list.map(inlineText).filter((item) => item.text !== '')
      const ordered = this.ordered ? { ordered: true } : {}
      this.current().blocks.push(this.withBox({ kind: 'list', items: parsed.map((item) => item.text), terms: parsed.flatMap((item) => item.terms), ...ordered, ...where }))
    }
    this.list = undefined
  }
}
