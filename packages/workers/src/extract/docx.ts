import { htmlToMarkdown } from './html.js'
import { ExtractionError } from './types.js'
import { checkZip } from './zip-check.js'

/**
 * Word styles that mean code, as Word, LibreOffice and Pandoc name them: code paragraphs become
 * one `<pre>` (consecutive paragraphs joined by newlines, their indentation kept), code runs
 * inline `<code>`. Bold and italic are mammoth's defaults.
 */
const STYLE_MAP = [
  ...['Code', 'Source Code', 'HTML Preformatted', 'Macro Text', 'Preformatted Text'].map((name) => `p[style-name='${name}'] => pre:separator('\\n')`),
  ...['Code Char', 'Source Code Char', 'Verbatim Char', 'HTML Code', 'HTML Preformatted Char'].map((name) => `r[style-name='${name}'] => code`),
]

/** A list level as mammoth's numbering gives it: the level index as a string, from "0". */
interface ListLevel {
  level: string
  isOrdered: boolean
}

/** The parts of mammoth's document elements read here (its typings leave them `any`). */
interface DocumentElement {
  type: string
  styleName?: string | null
  numbering?: ListLevel | null
  children?: DocumentElement[]
}

/**
 * The list level a paragraph style names, as Word ("List Bullet", "List Number 2", "List
 * Paragraph") and LibreOffice ("List 1", "Numbering 2 Start") name their list item styles;
 * continuation styles ("List Continue", "List 1 Cont.") are no items.
 */
function listStyleLevel(styleName: string): ListLevel | undefined {
  const name = styleName.trim().replace(/\s+/g, ' ')
  if (/^list paragraph$/i.test(name)) return { level: '0', isOrdered: false }
  const word = /^list (bullet|number)(?: ([1-9]))?$/i.exec(name)
  if (word) return { level: String(Number(word[2] ?? 1) - 1), isOrdered: word[1]!.toLowerCase() === 'number' }
  const libreOffice = /^(list|numbering) ([1-9])(?: (?:start|end))?$/i.exec(name)
  if (libreOffice) return { level: String(Number(libreOffice[2]) - 1), isOrdered: libreOffice[1]!.toLowerCase() === 'numbering' }
  return undefined
}

/**
 * Paragraphs in a list item style but without Word numbering (mammoth makes lists only from
 * numbering) given the list level their style names, so that mammoth's own list mappings make
 * them items of one `<ul>` or `<ol>`, nested by level. A style map cannot do this: a mapping by
 * style name is chosen before the numbering mappings, and would flatten the real, numbered lists
 * Word puts in "List Paragraph".
 */
function numberListStyles(element: DocumentElement): DocumentElement {
  const children = element.children?.map(numberListStyles)
  const level = element.type === 'paragraph' && !element.numbering && element.styleName ? listStyleLevel(element.styleName) : undefined
  if (!children && !level) return element
  return { ...element, ...(children ? { children } : {}), ...(level ? { numbering: level } : {}) }
}

/** A Word document as Markdown (headings, lists, emphasis, code, tables), via mammoth's semantic HTML; the title is its first heading 1. */
export async function extractDocx(bytes: Uint8Array, file: string): Promise<{ text: string; title?: string }> {
  // Sizes and ratios first: nothing is inflated for mammoth before they pass.
  checkZip(bytes, file)
  // Loaded on the first Word document, not with the worker.
  const { default: mammoth } = await import('mammoth')
  // Images never reach the text, so they are never read (mammoth would inline each as base64).
  const convertImage = mammoth.images.imgElement(async () => ({ src: '' }))
  let html: string
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      { styleMap: STYLE_MAP, convertImage, transformDocument: numberListStyles },
    )
    html = result.value
  } catch (err) {
    throw new ExtractionError(file, 'corrupt', `corrupt DOCX: ${(err as Error).message}`, { cause: err })
  }
  const { markdown, title } = await htmlToMarkdown(html, { file })
  return title ? { text: markdown, title } : { text: markdown }
}
