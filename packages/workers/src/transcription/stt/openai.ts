import { permanent, transient } from '../errors.js'
import { classifyHttpFailure } from '../../providers/http-failure.js'
import { cleanSegments } from './parse.js'
import type { MediaInput, SpeechToText, Transcript } from './types.js'

export interface OpenAiSpeechToTextOptions {
  /** OPENAI_BASE_URL, ending in `/v1`. */
  baseUrl: string
  /** OPENAI_API_KEY; local whisper servers often need none. */
  apiKey?: string
  /** OPENAI_TRANSCRIPTION_MODEL, default `whisper-1`. */
  model: string
}

/**
 * `POST {OPENAI_BASE_URL}/audio/transcriptions` (OpenAI, whisper.cpp server, faster-whisper-server,
 * LocalAI…) with `response_format=verbose_json` so the answer carries timed segments.
 */
export class OpenAiSpeechToText implements SpeechToText {
  readonly name = 'openai-compatible'
  constructor(private readonly options: OpenAiSpeechToTextOptions) {}

  async transcribe(media: MediaInput, signal: AbortSignal): Promise<Transcript> {
    const form = new FormData()
    form.append('file', new Blob([media.bytes], { type: media.mimeType }), media.filename)
    form.append('model', this.options.model)
    form.append('response_format', 'verbose_json')
    form.append('timestamp_granularities[]', 'segment')
    const url = `${this.options.baseUrl.replace(/(?<!\/)\/+$/, '')}/audio/transcriptions`
    let response: Response
    try {
      response = await fetch(url, {
        method: 'POST',
        body: form,
        signal,
        headers: this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {},
      })
    } catch (err) {
      if (signal.aborted) throw signal.reason
      const cause = (err as { cause?: unknown }).cause ?? err
      // Our own speech-to-text server being down is worth another attempt, whatever the code.
      throw transient(`OpenAI-compatible speech-to-text at OPENAI_BASE_URL is unreachable: ${(cause as Error).message}`, err)
    }
    const body = await response.text()
    if (!response.ok) {
      throw classifyHttpFailure({
        provider: 'OpenAI-compatible speech-to-text',
        status: response.status,
        body,
        retryAfter: response.headers.get('retry-after'),
        keyVariables: 'OPENAI_API_KEY',
        modelVariable: 'OPENAI_TRANSCRIPTION_MODEL',
      })
    }
    let parsed: { text?: unknown; segments?: unknown; language?: unknown }
    try {
      parsed = JSON.parse(body) as typeof parsed
    } catch (err) {
      throw transient(`OpenAI-compatible speech-to-text returned malformed JSON: ${body.slice(0, 120)}`, err)
    }
    const segments = cleanSegments(parsed.segments)
    const text = typeof parsed.text === 'string' && parsed.text.trim() !== '' ? parsed.text.trim() : segments.map((s) => s.text).join(' ')
    if (text === '') throw permanent('speech-to-text found no speech in the file')
    return { text, segments, ...(typeof parsed.language === 'string' ? { language: parsed.language } : {}) }
  }
}
