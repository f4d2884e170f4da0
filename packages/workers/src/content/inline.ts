import type { InlineContent } from '@flashcards/queue-core'
import { extractText as inProcess, type TextExtractor } from '../extract/index.js'
import type { SourceDocument } from './types.js'

/**
 * Content carried in the job: markdown and text are used as they are, html/vtt/srt go through
 * the extractors (the orchestrator passes its sandbox's: the text comes from a tenant).
 */
export async function inlineDocument(content: InlineContent, extractText: TextExtractor = inProcess, signal?: AbortSignal): Promise<SourceDocument> {
  const name = `inline.${content.format === 'markdown' ? 'md' : content.format === 'text' ? 'txt' : content.format}`
  if (content.format === 'markdown' || content.format === 'text') {
    return { name, content: { format: content.format, text: content.text, ...(content.title ? { title: content.title } : {}) } }
  }
  const extracted = await extractText(new TextEncoder().encode(content.text), { filename: name }, signal)
  return { name, content: content.title ? { ...extracted, title: content.title } : extracted }
}
