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
    const result = await mammoth.convertToHtml({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) }, { styleMap: STYLE_MAP, convertImage })
    html = result.value
  } catch (err) {
    throw new ExtractionError(file, 'corrupt', `corrupt DOCX: ${(err as Error).message}`, { cause: err })
  }
  const { markdown, title } = await htmlToMarkdown(html, { file })
  return title ? { text: markdown, title } : { text: markdown }
}
