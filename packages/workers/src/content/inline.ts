import type { InlineContent } from '@flashcards/queue-core'
import { extractText } from '../extract/index.js'
import type { SourceDocument } from './types.js'

/** Content carried in the job: markdown and text are used as they are, html/vtt/srt go through the extractors. */
export async function inlineDocument(content: InlineContent): Promise<SourceDocument> {
  const name = `inline.${content.format === 'markdown' ? 'md' : content.format === 'text' ? 'txt' : content.format}`
  if (content.format === 'markdown' || content.format === 'text') {
    return { name, content: { format: content.format, text: content.text, ...(content.title ? { title: content.title } : {}) } }
  }
  const extracted = await extractText(new TextEncoder().encode(content.text), { filename: name })
  return { name, content: content.title ? { ...extracted, title: content.title } : extracted }
}
