import { mapLimit } from '../pipeline/map-limit.js'
import { EXTRACT_LIMITS } from './limits.js'
import { ExtractionError } from './types.js'

type PdfDocument = Awaited<ReturnType<typeof import('unpdf').getDocumentProxy>>

/**
 * Each page's text as unpdf's `extractText` makes it (item strings, a newline after each line
 * end), read `pageConcurrency` pages at a time: unpdf starts every page at once, which for a
 * 200,000-page file ran out of memory. The page count is checked before any page is read.
 */
async function pageTexts(pdf: PdfDocument, file: string, limits = EXTRACT_LIMITS.pdf): Promise<string[]> {
  if (pdf.numPages > limits.maxPages) {
    throw new ExtractionError(file, 'limit', `the PDF has ${pdf.numPages.toLocaleString('en')} pages, over the limit of ${limits.maxPages.toLocaleString('en')}`)
  }
  const numbers = Array.from({ length: pdf.numPages }, (_, i) => i + 1)
  return mapLimit(numbers, limits.pageConcurrency, async (number) => {
    const page = await pdf.getPage(number)
    const content = await page.getTextContent()
    page.cleanup()
    return content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join('')
  })
}

/** The text of every page of a PDF, pages separated by a blank line, and the document's title. */
export async function extractPdf(bytes: Uint8Array, file: string): Promise<{ text: string; title?: string }> {
  // pdf.js is loaded on the first PDF, not with the worker.
  const { getDocumentProxy, getMeta } = await import('unpdf')
  let pdf: PdfDocument
  try {
    // pdf.js takes ownership of (detaches) the buffer it gets: give it a copy.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, isEvalSupported: false })
  } catch (err) {
    const name = (err as Error).name
    if (name === 'PasswordException') throw new ExtractionError(file, 'unsupported', 'the PDF is password-protected', { cause: err })
    throw new ExtractionError(file, 'corrupt', `corrupt PDF: ${(err as Error).message}`, { cause: err })
  }
  try {
    const pages = (await pageTexts(pdf, file)).map((page) => page.replace(/(?<![ \t])[ \t]+\n/g, '\n').trim()).filter((page) => page !== '')
    if (pages.length === 0) {
      throw new ExtractionError(file, 'empty', 'the PDF has no extractable text (scanned pages need OCR first)')
    }
    const info = (await getMeta(pdf)).info as { Title?: unknown }
    const title = typeof info.Title === 'string' && info.Title.trim() !== '' ? info.Title.trim() : undefined
    return { text: pages.join('\n\n'), ...(title ? { title } : {}) }
  } catch (err) {
    if (err instanceof ExtractionError) throw err
    throw new ExtractionError(file, 'corrupt', `corrupt PDF: ${(err as Error).message}`, { cause: err })
  } finally {
    await pdf.destroy()
  }
}
