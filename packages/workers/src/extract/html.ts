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
import { prepare, type DomDocument, type DomNode } from './html-dom.js'
import { markdownService } from './html-markdown.js'
import { HTML_LIMITS, measure } from './html-measure.js'

export { HTML_LIMITS } from './html-measure.js'

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
