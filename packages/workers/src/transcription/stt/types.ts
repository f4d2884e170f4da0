import type { TimedSegment } from '../../extract/index.js'

/** Audio or video bytes to transcribe. */
export interface MediaInput {
  bytes: Uint8Array
  mimeType: string
  filename: string
}

/** What a speech-to-text provider heard: the full text and, when it gives them, timed segments. */
export interface Transcript {
  text: string
  segments: TimedSegment[]
  language?: string
}

/** One speech-to-text backend (Gemini, an OpenAI-compatible whisper server, or a host's own). */
export interface SpeechToText {
  readonly name: string
  /** Throws RateLimitedError when asked to slow down, UnrecoverableError for bad credentials or input. */
  transcribe(media: MediaInput, signal: AbortSignal): Promise<Transcript>
}
