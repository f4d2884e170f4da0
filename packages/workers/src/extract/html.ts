/**
 * HTML to Markdown, for web pages and for the HTML mammoth makes of Word documents: headings,
 * nested lists, emphasis, inline code, code blocks (indentation kept), GFM tables, links and
 * Carpentries callout boxes as the fenced divs the pipeline reads in Markdown lessons.
 *
 * Untrusted pages are measured first, in one linear pass of the parser linkedom builds its tree
 * with (so the figures are those of the tree converted): a page nested deeper than turndown's
 * recursion can take, or too large to convert in a few seconds, is refused with an
 * `ExtractionError` naming the limit instead of crashing or freezing the worker.
 */
import type TurndownService from 'turndown'
import { ExtractionError } from './types.js'

export const HTML_LIMITS = {
  /**
   * Deepest element nesting converted. turndown recurses once per level and overflows the stack
   * near 1,450 levels (measured: 1,490 nested `<div>`, 715 nested `<ul><li>`). Blink's parser
   * stops nesting at 512 too; lesson pages stay under 50.
   */
  maxDepth: 512,
  /** Most nodes (elements, text runs, comments) converted; a 5 MB lesson page holds about 200,000. */
  maxNodes: 250_000,
  /**
   * Most text × depth: turndown reads the text of every element under each of its ancestors, so
   * 4 MB of text under 500 levels took 84 s. A 5 MB lesson page is about 17,000,000.
   */
  maxTextDepth: 64_000_000,
  /**
   * Readability runs only on pages up to this many nodes and this depth, else the whole page is
   * converted: its candidate scoring is super-linear in both (10,000 sibling `<p>` took 85.9 s,
   * 512 nested `<div>` 9.5 s; at these limits it takes under a second).
   */
  readabilityMaxNodes: 5_000,
  readabilityMaxDepth: 64,
} as const

/**
 * Carpentries callout classes, most specific first: a `<div class="callout keypoints">` is a
 * key-points box, a plain `<div class="callout">` a callout.
 */
const CALLOUTS = ['keypoints', 'challenge', 'solution', 'objectives', 'questions', 'testimonial', 'instructor', 'instructor-note', 'discussion', 'prereq', 'checklist', 'callout']
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

/** The parser options linkedom builds its tree with: the measuring pass must see the same tree. */
const PARSER_OPTIONS = { lowerCaseAttributeNames: false, decodeEntities: true, xmlMode: false }

/** Set on every `<h1>` before Readability makes it an `<h2>`. */
const H1_MARK = 'data-flashcards-h1'
const ELEMENT_NODE = 1
const TEXT_NODE = 3

// linkedom's and turndown's declarations name DOM types this package does not load (no DOM lib), so the linter sees them unresolved; the casts to our own Dom* interfaces are what type these values.
interface DomNode {
  nodeType: number
  nodeName: string
  data: string
  textContent: string | null
  parentNode: DomNode | null
  firstChild: DomNode | null
  nextSibling: DomNode | null
  children: ArrayLike<DomNode>
  getAttribute(name: string): string | null
  setAttribute(name: string, value: string): void
  querySelector(selector: string): DomNode | null
  prepend(...nodes: DomNode[]): void
  append(...nodes: DomNode[]): void
}

interface DomDocument {
  querySelector(selector: string): DomNode | null
  createElement(name: string): DomNode
}

/** What the measuring pass counts: nodes, deepest nesting, and text × depth (see `HTML_LIMITS`). */
interface HtmlShape {
  nodes: number
  depth: number
  textDepth: number
  /** Whether the page has a `<body>` tag: linkedom puts a fragment's content in no body. */
  body: boolean
  /** The text of the page's `<title>` (not an SVG's). */
  title: string
}

interface Libraries {
  Turndown: typeof TurndownService
  Parser: typeof import('htmlparser2').Parser
  parse: (html: string) => DomDocument
  readability: (document: DomDocument) => { title?: string; content?: DomNode } | null
}

let libraries: Promise<Libraries> | undefined

/** Loaded on the first HTML or Word file, not with the worker. */
function loadLibraries(): Promise<Libraries> {
  libraries ??= (async () => {
    const [{ default: Turndown }, { Readability }, { parseHTML }, { Parser }] = await Promise.all([
      import('turndown'),
      import('@mozilla/readability'),
      import('linkedom'),
      import('htmlparser2'),
    ])
    return {
      Turndown,
      Parser,
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion, @typescript-eslint/no-unsafe-member-access -- DOM types unresolved, see the note on DomNode
      parse: (html) => parseHTML(html).document as unknown as DomDocument,
      readability: (document) => {
        // Classes kept: code languages and callout boxes live in them. The serializer hands
        // back the article's element rather than HTML to parse again.
        const options = { charThreshold: 0, keepClasses: true, serializer: (node: unknown) => node as DomNode }
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- DOM types unresolved, see the note on DomNode
        const article = new Readability<DomNode>(document as unknown as ConstructorParameters<typeof Readability>[0], options).parse()
        if (!article) return null
        return { ...(article.title ? { title: article.title } : {}), ...(article.content ? { content: article.content } : {}) }
      },
    }
  })()
  return libraries
}

/**
 * Measures a page in one pass of htmlparser2, the parser linkedom builds its tree with (same
 * options, so the same tree), and throws `ExtractionError` at the first limit crossed: parsing
 * stops there, because htmlparser2 keeps its open elements in an array it shifts, so a page
 * 100,000 levels deep costs seconds even to parse.
 */
function measure(Parser: Libraries['Parser'], html: string, file: string): HtmlShape {
  const shape: HtmlShape = { nodes: 0, depth: 0, textDepth: 0, body: false, title: '' }
  const refuse = (what: string, limit: number) => {
    throw new ExtractionError(file, 'limit', what.replace('#', limit.toLocaleString('en')))
  }
  let depth = 0
  let svg = 0
  let title: 'before' | 'in' | 'after' = 'before'
  // A node is read once under each open element, a text run once per character.
  const leaf = (size: number) => {
    if (++shape.nodes > HTML_LIMITS.maxNodes) refuse('HTML holds more nodes (elements, text runs, comments) than the limit of #', HTML_LIMITS.maxNodes)
    shape.textDepth += depth * size
    if (shape.textDepth > HTML_LIMITS.maxTextDepth) refuse('HTML has more text under deep nesting than the limit of # characters × levels', HTML_LIMITS.maxTextDepth)
  }
  const parser = new Parser(
    {
      onopentag(name) {
        leaf(1)
        if (++depth > HTML_LIMITS.maxDepth) refuse('HTML nests elements deeper than the limit of # levels', HTML_LIMITS.maxDepth)
        shape.depth = Math.max(shape.depth, depth)
        if (name === 'body') shape.body = true
        else if (name === 'svg') svg++
        else if (name === 'title' && svg === 0 && title === 'before') title = 'in'
      },
      onclosetag(name) {
        depth--
        if (name === 'svg') svg--
        else if (name === 'title' && title === 'in') title = 'after'
      },
      ontext(text) {
        leaf(1 + text.length)
        if (title === 'in') shape.title += text
      },
      oncomment: () => leaf(1),
    },
    PARSER_OPTIONS,
  )
  parser.end(html)
  return shape
}

/**
 * A turndown service for one conversion. Code blocks leave turndown as placeholders and are put
 * back afterwards: turndown's final trim (`/[\t\r\n\s]+$/` over the whole output) is quadratic in
 * a long run of whitespace, and a `<pre>` holding 50,000 spaces took 12 s.
 */
function markdownService(Turndown: typeof TurndownService, codeBlocks: string[]): TurndownService {
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

/** An element's classes (`className` is no string on SVG elements). */
function classesOf(element: DomNode | null | undefined): string[] {
  const value = element?.getAttribute('class')
  return value ? value.split(/\s+/) : []
}

function calloutName(element: DomNode): string | undefined {
  const classes = new Set(classesOf(element))
  if (classes.size === 0) return undefined
  return CALLOUTS.find((name) => classes.has(name))
}

/** Leading and trailing newlines cut without a regex anchored at the end (quadratic on long runs). */
function trimNewlines(text: string): string {
  let start = 0
  let end = text.length
  while (start < end && text[start] === '\n') start++
  while (end > start && text[end - 1] === '\n') end--
  return text.slice(start, end)
}

/**
 * One walk over the tree before Readability and turndown see it:
 * - every callout box gets fenced-div markers (`::::: keypoints` … `:::::`) as paragraphs of its
 *   own. They survive what Readability does to boxes (it replaces a `<div>` holding one `<p>`
 *   with that `<p>`, class and all) and come out of turndown as the lines the pipeline reads;
 * - `<h1>` remembers its level;
 * - text outside `<pre>` has every whitespace run (no-break spaces too) made one space, so no
 *   long run reaches turndown's final trim, and NUL characters (the code placeholders) dropped.
 * Iterative: the tree may be `HTML_LIMITS.maxDepth` deep.
 */
function prepare(document: DomDocument, root: DomNode): void {
  const paragraph = (text: string) => {
    const element = document.createElement('p')
    element.textContent = text
    return element
  }
  const stack: DomNode[] = [root]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (node.nodeType === TEXT_NODE) {
      const text = node.data
      const clean = text.replace(/\s+/g, ' ').replaceAll('\u0000', '')
      // Assigned only when changed: linkedom's setter costs far more than the comparison.
      if (clean !== text) node.data = clean
      continue
    }
    // Code keeps its whitespace; nothing else in `<pre>` needs preparing.
    if (node.nodeType !== ELEMENT_NODE || node.nodeName === 'PRE') continue
    const box = calloutName(node)
    if (box) {
      node.prepend(paragraph(`::::: ${box}`))
      node.append(paragraph(':::::'))
    }
    if (node.nodeName === 'H1') node.setAttribute(H1_MARK, '')
    for (let child = node.firstChild; child; child = child.nextSibling) stack.push(child)
  }
}

export interface HtmlToMarkdownOptions {
  /** How the input is named in errors. */
  file?: string
  /**
   * Keep only the page's main content (Readability), dropping navigation, headers and footers.
   * Pages beyond `HTML_LIMITS.readabilityMaxNodes` or `readabilityMaxDepth` are converted whole.
   */
  mainContent?: boolean
}

/**
 * Converts HTML to Markdown the pipeline reads like a Markdown lesson, with a title (the
 * article's, else `<title>`, else the first `<h1>`). Throws `ExtractionError` (reason `limit`)
 * for HTML beyond `HTML_LIMITS`.
 *
 * @example
 * const { markdown } = await htmlToMarkdown('<h2>Pipes</h2><p>A <strong>pipe</strong> joins commands.</p>')
 * markdown // '## Pipes\n\nA **pipe** joins commands.'
 */
export async function htmlToMarkdown(html: string, options: HtmlToMarkdownOptions = {}): Promise<{ markdown: string; title?: string }> {
  const { Turndown, Parser, parse, readability } = await loadLibraries()
  const file = options.file ?? 'input'
  let shape = measure(Parser, html, file)
  // A fragment (mammoth's output, a snippet) gets a document around it, measured as it is parsed.
  const source = shape.body ? html : `<!doctype html><html><body>${html}</body></html>`
  if (!shape.body) shape = measure(Parser, source, file)

  const page = () => {
    const document = parse(source)
    // The `<body>` element itself: linkedom's `document.body` makes an empty one unless `<head>`
    // and `<body>` are the first children of `<html>`.
    const body = document.querySelector('body')!
    prepare(document, body)
    return { document, body }
  }
  const convert = (root: DomNode) => {
    const codeBlocks: string[] = []
    // turndown converts a copy of the tree it is given, to leave the caller's intact. This tree
    // is a throwaway parse, and copying it cost a third of the time (linkedom nodes are dear).
    Object.defineProperty(root, 'cloneNode', { value: () => root })
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- DOM types unresolved, see the note on DomNode
    const markdown = markdownService(Turndown, codeBlocks).turndown(root as unknown as TurndownService.Node)
    return markdown.replace(/\0(\d+)\0/g, (_, index: string) => codeBlocks[Number(index)]!).trim()
  }
  const { document, body } = page()
  const oneLine = (text: string | null | undefined) => text?.replace(/\s+/g, ' ').trim() || undefined
  const pageTitle = oneLine(shape.title) ?? oneLine(body.querySelector('h1')?.textContent)
  const readable = shape.nodes <= HTML_LIMITS.readabilityMaxNodes && shape.depth <= HTML_LIMITS.readabilityMaxDepth
  const article = options.mainContent && readable ? readability(document) : null
  const fromArticle = article?.content ? convert(article.content) : ''
  const title = oneLine(article?.title) ?? pageTitle
  // Readability found nothing and has rewritten the page by now: convert a fresh parse whole.
  const markdown = fromArticle !== '' ? fromArticle : convert(article ? page().body : body)
  return title ? { markdown, title } : { markdown }
}

/** The main content of a web page (navigation, footers and scripts dropped) as Markdown, and its title. */
export async function extractHtml(html: string, file: string): Promise<{ text: string; title?: string }> {
  const { markdown, title } = await htmlToMarkdown(html, { file, mainContent: true })
  return title ? { text: markdown, title } : { text: markdown }
}
