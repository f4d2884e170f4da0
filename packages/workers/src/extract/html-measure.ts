/**
 * The limits an untrusted page must meet before it is converted, and the one linear pass that
 * measures a page against them.
 */
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

/** The parser options linkedom builds its tree with: the measuring pass must see the same tree. */
const PARSER_OPTIONS = { lowerCaseAttributeNames: false, decodeEntities: true, xmlMode: false }

/** What the measuring pass counts: nodes, deepest nesting, and text × depth (see `HTML_LIMITS`). */
export interface HtmlShape {
  nodes: number
  depth: number
  textDepth: number
  /** Whether the page has a `<body>` tag: linkedom puts a fragment's content in no body. */
  body: boolean
  /** The text of the page's `<title>` (not an SVG's). */
  title: string
}

/**
 * Measures a page in one pass of htmlparser2, the parser linkedom builds its tree with (same
 * options, so the same tree), and throws `ExtractionError` at the first limit crossed: parsing
 * stops there, because htmlparser2 keeps its open elements in an array it shifts, so a page
 * 100,000 levels deep costs seconds even to parse.
 */
export function measure(Parser: typeof import('htmlparser2').Parser, html: string, file: string): HtmlShape {
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
