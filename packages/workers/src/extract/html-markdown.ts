/**
 * The turndown rules that make Markdown the pipeline reads like a lesson's: atx headings at their
 * original level, nested list items, GFM tables, code blocks fenced with their language, callout
 * quotes left unquoted.
 */
import type TurndownService from 'turndown'
import { calloutName, classesOf, H1_MARK, type DomNode } from './html-dom.js'

/** Elements that are page furniture or scripting, never lesson text. */
const DROPPED = [
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'math',
  'iframe',
  'object',
  'embed',
  'canvas',
  'video',
  'audio',
  'nav',
  'form',
  'button',
  'select',
  'img',
  'head',
  'title',
] as const

/**
 * A turndown service for one conversion. Code blocks leave turndown as placeholders and are put
 * back afterwards: turndown's final trim (`/[\t\r\n\s]+$/` over the whole output) is quadratic in
 * a long run of whitespace, and a `<pre>` holding 50,000 spaces took 12 s.
 */
export function markdownService(Turndown: typeof TurndownService, codeBlocks: string[]): TurndownService {
  const service = new Turndown({ headingStyle: 'atx', bulletListMarker: '-', emDelimiter: '*', strongDelimiter: '**', hr: '***' })
  service.remove([...DROPPED])
  const rule = (name: string, filter: TurndownService.Filter, replacement: (content: string, node: DomNode) => string) =>
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- DOM types unresolved, see the note on DomNode
    service.addRule(name, { filter, replacement: (content, node) => replacement(content, node as unknown as DomNode) })

  rule('codeBlock', 'pre', (_content, pre) => {
    codeBlocks.push(codeBlock(pre))
    return `\n\n\u0000${codeBlocks.length - 1}\u0000\n\n`
  })
  // Readability turns `<h1>` into `<h2>`; `prepare` noted the original level.
  rule('heading', ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'], (content, heading) => {
    const level = heading.getAttribute(H1_MARK) === null ? Number(heading.nodeName.charAt(1)) : 1
    const text = content.replace(/\s+/g, ' ').trim()
    return text === '' ? '' : `\n\n${'#'.repeat(level)} ${text}\n\n`
  })
  // `- item` and `1. item`, nested content indented under the text.
  rule('listItem', 'li', (content, item) => {
    const list = item.parentNode
    const marker = list?.nodeName === 'OL' ? `${Number(list.getAttribute('start') ?? 1) + itemIndex(item)}.` : '-'
    const body = trimNewlines(content).replaceAll('\n', `\n${' '.repeat(marker.length + 1)}`)
    return `${marker} ${body}${item.nextSibling ? '\n' : ''}`
  })
  // A box carries its fence markers (see `prepare`); a quote box must not become `>` lines.
  rule(
    'calloutQuote',
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion, @typescript-eslint/no-unsafe-member-access -- DOM types unresolved, see the note on DomNode
    (node) => node.nodeName === 'BLOCKQUOTE' && calloutName(node as unknown as DomNode) !== undefined,
    (content) => `\n\n${content}\n\n`,
  )
  // A definition list reads as a glossary: "**Term**: what it is." (definitions.ts asks "What is term?").
  rule('definitionTerm', 'dt', (content) => `\n\n**${content.replace(/\s+/g, ' ').trim()}**: `)
  rule('definitionDescription', 'dd', (content) => `${trimNewlines(content).replace(/\s+/g, ' ')}\n\n`)
  rule('definitionList', 'dl', (content) => `\n\n${trimNewlines(content)}\n\n`)
  // <dfn> marks the term its sentence defines, as italic does in Markdown lessons.
  rule('definedTerm', 'dfn', (content) => (content.trim() === '' ? '' : `*${content.trim()}*`))
  // "2<sup>h</sup>" is a power: "2^h", not "2h".
  rule('superscript', 'sup', (_content, sup) => {
    // Its plain text: emphasis inside an exponent ("2<sup><i>h</i></sup>") would leave stray asterisks.
    const power = (sup.textContent ?? '').replace(/\s+/g, ' ').trim()
    return power === '' ? '' : `^${power}`
  })
  rule('tableCell', ['th', 'td'], (content) => ` ${content.replace(/\s+/g, ' ').trim().replaceAll('|', '\\|')} |`)
  rule('tableRow', 'tr', (content, row) => {
    if (!isFirstRow(row)) return `\n|${content}`
    const cells = Array.from(row.children).filter((cell) => cell.nodeName === 'TH' || cell.nodeName === 'TD').length
    return `\n|${content}\n|${' --- |'.repeat(cells)}`
  })
  rule('tableSection', ['thead', 'tbody', 'tfoot'], (content) => content)
  rule('tableCaption', ['caption'], (content) => `\n\n${content}\n\n`)
  rule('table', 'table', (content) => `\n\n${trimNewlines(content)}\n\n`)
  return service
}

/** A code block with its text verbatim, fenced by more backticks than it holds in a row. */
function codeBlock(pre: DomNode): string {
  // A newline straight after `<pre>` is not content (browsers drop it; htmlparser2 keeps it).
  const code = (pre.textContent ?? '').replace(/^\r?\n/, '').trimEnd()
  let longest = 0
  for (const run of code.match(/`+/g) ?? []) longest = Math.max(longest, run.length)
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `${fence}${codeLanguage(pre)}\n${code}\n${fence}`
}

/**
 * The language of a code block, from the classes highlighters put on the `<pre>`, its `<code>`
 * or the wrappers around it: `language-python`, `lang-python`, `highlight-source-python`,
 * Pandoc's `sourceCode python`.
 */
function codeLanguage(pre: DomNode): string {
  const code = pre.firstChild?.nodeName === 'CODE' ? pre.firstChild : undefined
  for (const element of [code, pre, pre.parentNode, pre.parentNode?.parentNode]) {
    const classes = classesOf(element)
    for (const name of classes) {
      const match = /^(?:language|lang|highlight-source)-([\w+#.-]+)$/.exec(name)
      if (match) return match[1]!
    }
    const pandoc = classes.indexOf('sourceCode')
    if (pandoc >= 0 && classes[pandoc + 1]) return classes[pandoc + 1]!
  }
  return ''
}

/** Positions of list items, counted once per list: a per-item count is quadratic in a long `<ol>`. */
const itemIndexes = new WeakMap<DomNode, Map<DomNode, number>>()

function itemIndex(item: DomNode): number {
  const list = item.parentNode!
  let indexes = itemIndexes.get(list)
  if (!indexes) {
    indexes = new Map(Array.from(list.children).map((child, index) => [child, index]))
    itemIndexes.set(list, indexes)
  }
  return indexes.get(item) ?? 0
}

function isFirstRow(row: DomNode): boolean {
  let table = row.parentNode
  while (table && table.nodeName !== 'TABLE') table = table.parentNode
  return table?.querySelector('tr') === row
}

/** Leading and trailing newlines cut without a regex anchored at the end (quadratic on long runs). */
function trimNewlines(text: string): string {
  let start = 0
  let end = text.length
  while (start < end && text[start] === '\n') start++
  while (end > start && text[end - 1] === '\n') end--
  return text.slice(start, end)
}
