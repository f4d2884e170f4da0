import { ExtractionError } from './types.js'

/** The text of every page of a PDF, pages separated by a blank line, and the document's title. */
export async function extractPdf(bytes: Uint8Array, file: string): Promise<{ text: string; title?: string }> {
  // pdf.js is loaded on the first PDF, not with the worker.
  const { extractText: extractPdfPages, getDocumentProxy, getMeta } = await import('unpdf')
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>
  try {
    // pdf.js takes ownership of (detaches) the buffer it gets: give it a copy.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, isEvalSupported: false })
  } catch (err) {
    const name = (err as Error).name
    if (name === 'PasswordException') throw new ExtractionError(file, 'unsupported', 'the PDF is password-protected', { cause: err })
    throw new ExtractionError(file, 'corrupt', `corrupt PDF: ${(err as Error).message}`, { cause: err })
  }
  try {
    const { text } = await extractPdfPages(pdf, { mergePages: false })
    const pages = text.map((page) => page.replace(/(?<![ \t])[ \t]+\n/g, '\n').trim()).filter((page) => page !== '')
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
