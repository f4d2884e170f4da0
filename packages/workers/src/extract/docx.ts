import { htmlToText } from './html.js'
import { ExtractionError } from './types.js'

/** A Word document's text with its headings and lists kept, via mammoth's semantic HTML. */
export async function extractDocx(bytes: Uint8Array, file: string): Promise<{ text: string; title?: string }> {
  // Loaded on the first Word document, not with the worker.
  const [{ default: mammoth }, { parseHTML }] = await Promise.all([import('mammoth'), import('linkedom')])
  let html: string
  try {
    const result = await mammoth.convertToHtml({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) })
    html = result.value
  } catch (err) {
    throw new ExtractionError(file, 'corrupt', `corrupt DOCX: ${(err as Error).message}`, { cause: err })
  }
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`)
  const text = htmlToText(document.body as unknown as Parameters<typeof htmlToText>[0])
  const title = document.querySelector('h1')?.textContent?.trim() || undefined
  return { text, ...(title ? { title } : {}) }
}
