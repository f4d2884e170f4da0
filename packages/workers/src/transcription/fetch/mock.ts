import { createHash } from 'node:crypto'
import type { TranscriptionFile } from '@flashcards/queue-core'
import { formatTimestamp } from '../../extract/index.js'
import { lastSegment, type FetchedFile } from './types.js'

// Defining sentences, so the sample content also makes cards with the offline provider.
const SENTENCES = [
  'Spaced repetition is a study method that schedules each review just before the learner would forget the answer.',
  'Active recall is the practice of retrieving an answer from memory instead of rereading the notes.',
  'A flashcard is a prompt that asks one question and has one short, unambiguous answer.',
  'Interleaving is a practice schedule that mixes related topics in one session.',
  'The forgetting curve is a graph of how quickly memory fades without review.',
  'Elaboration is the habit of linking a new idea to what the learner already knows.',
]

/**
 * MOCK_FILE_URLS=true: no network; every file becomes sample content chosen from its URL, the same
 * every time: a WebVTT transcript for audio and video (so demos need no speech-to-text key),
 * markdown otherwise.
 */
export function mockFile(file: TranscriptionFile): FetchedFile {
  const seed = createHash('sha256').update(file.url).digest()
  const picked = Array.from({ length: 4 }, (_, i) => SENTENCES[(seed[i]! + i) % SENTENCES.length]!)
  const name = lastSegment(file.url.replace(/^[a-z0-9]+:\/\/[^/]*/i, '')) || file.file_id
  const media = /^(?:audio|video)\//.test(file.mime_type ?? '') || /\.(?:mp3|mp4|m4a|wav|ogg|webm|mov|mkv|flac|aac)$/i.test(name)
  if (media) {
    const cues = picked.map((text, i) => `${formatTimestamp(i * 6)} --> ${formatTimestamp(i * 6 + 5.5)}\n${text}`)
    return { bytes: new TextEncoder().encode(`WEBVTT\n\n${cues.join('\n\n')}\n`), filename: `${file.file_id}.vtt`, mimeType: 'text/vtt' }
  }
  const text = `# Sample content for ${file.file_id}\n\n${picked.join('\n\n')}\n`
  return { bytes: new TextEncoder().encode(text), filename: `${file.file_id}.md`, mimeType: 'text/markdown' }
}
