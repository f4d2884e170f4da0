import type { File as GeminiFile, GoogleGenAI, Part } from '@google/genai'
import { lazyGoogleClient, type Genai, type GoogleClient, type GoogleClientOptions } from '../../providers/google-client.js'
import { classifyHttpFailure } from '../../providers/http-failure.js'
import { permanent, transient } from '../errors.js'
import { cleanSegments } from './parse.js'
import type { MediaInput, SpeechToText, Transcript } from './types.js'

/** The Google client's options (the LLM provider's too), and how media is sent. */
export interface GeminiSpeechToTextOptions extends GoogleClientOptions {
  /** GEMINI_MODEL. */
  model: string
  /** Media up to this size goes inline in the request; larger media through the Files API. Default 8 MiB. */
  inlineMaxBytes?: number
  /** How often an uploaded file's processing state is checked. Default 2 s. */
  pollIntervalMs?: number
}

const PROMPT =
  'Transcribe the speech in this recording verbatim, in its original language. ' +
  'Split it into segments of one or two sentences. For each segment give start and end as seconds ' +
  'from the beginning of the recording, and the spoken text. Do not summarise or translate.'

const responseSchema = ({ Type }: Genai) => ({
  type: Type.OBJECT,
  properties: {
    language: { type: Type.STRING },
    segments: {
      type: Type.ARRAY,
      items: {
        type: Type.OBJECT,
        properties: { start: { type: Type.NUMBER }, end: { type: Type.NUMBER }, text: { type: Type.STRING } },
        required: ['start', 'end', 'text'],
      },
    },
  },
  required: ['segments'],
})

/**
 * Speech-to-text through Gemini (`@google/genai`): small media inline, larger media uploaded with
 * the Files API's resumable protocol and referenced by URI, the answer a JSON list of timed segments.
 */
export class GeminiSpeechToText implements SpeechToText {
  readonly name = 'gemini'
  private readonly google: () => Promise<GoogleClient>
  private readonly inlineMaxBytes: number
  private readonly pollIntervalMs: number

  constructor(private readonly options: GeminiSpeechToTextOptions) {
    this.inlineMaxBytes = options.inlineMaxBytes ?? 8 * 1024 * 1024
    this.pollIntervalMs = options.pollIntervalMs ?? 2_000
    this.google = lazyGoogleClient(options)
  }

  async transcribe(media: MediaInput, signal: AbortSignal): Promise<Transcript> {
    const { genai, client: ai } = await this.google()
    let uploaded: GeminiFile | undefined
    try {
      let part: Part
      if (media.bytes.length <= this.inlineMaxBytes) {
        part = genai.createPartFromBase64(Buffer.from(media.bytes).toString('base64'), media.mimeType)
      } else {
        uploaded = await this.upload(genai, ai, media, signal)
        part = genai.createPartFromUri(uploaded.uri!, uploaded.mimeType ?? media.mimeType)
      }
      const response = await ai.models.generateContent({
        model: this.options.model,
        contents: genai.createUserContent([part, PROMPT]),
        config: { responseMimeType: 'application/json', responseSchema: responseSchema(genai), temperature: 0, abortSignal: signal },
      })
      return parseAnswer(response.text ?? '')
    } catch (err) {
      throw classify(genai, err, signal)
    } finally {
      // Uploaded media would otherwise sit in the project's storage for 48 hours.
      if (uploaded?.name) await ai.files.delete({ name: uploaded.name }).catch(() => {})
    }
  }

  /** Resumable upload, then wait until Gemini has processed the file (video takes a while). */
  private async upload({ FileState }: Genai, ai: GoogleGenAI, media: MediaInput, signal: AbortSignal): Promise<GeminiFile> {
    let file = await ai.files.upload({
      file: new Blob([media.bytes], { type: media.mimeType }),
      config: { mimeType: media.mimeType, displayName: media.filename, abortSignal: signal },
    })
    while (file.state === FileState.PROCESSING) {
      await sleep(this.pollIntervalMs, signal)
      file = await ai.files.get({ name: file.name!, config: { abortSignal: signal } })
    }
    if (file.state === FileState.FAILED) throw permanent(`Gemini could not process the uploaded media: ${file.error?.message ?? 'unknown error'}`)
    if (!file.uri) throw transient('Gemini returned an uploaded file without a URI')
    return file
  }
}

function parseAnswer(text: string): Transcript {
  let parsed: { segments?: unknown; language?: unknown }
  try {
    parsed = JSON.parse(text) as typeof parsed
  } catch (err) {
    // A truncated or chatty answer is worth another attempt; the model is not deterministic.
    throw transient(`Gemini returned a transcript that is not JSON: ${text.slice(0, 120)}`, err)
  }
  const segments = cleanSegments(parsed.segments)
  if (segments.length === 0) throw permanent('speech-to-text found no speech in the file')
  return {
    text: segments.map((segment) => segment.text).join(' '),
    segments,
    ...(typeof parsed.language === 'string' && parsed.language !== '' ? { language: parsed.language } : {}),
  }
}

function classify({ ApiError }: Genai, err: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason
  if (err instanceof ApiError) {
    return classifyHttpFailure({
      provider: 'Gemini speech-to-text',
      status: err.status,
      body: err.message,
      keyVariables: 'GEMINI_API_KEY (or GOOGLE_AI_API_KEY)',
      modelVariable: 'GEMINI_MODEL',
    })
  }
  if (err instanceof Error && err.name === 'FileProblem') return err
  if (err instanceof TypeError && /fetch failed/.test(err.message)) {
    return transient(`Gemini is unreachable: ${((err as { cause?: Error }).cause ?? err).message}`, err)
  }
  return err
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(signal.reason)
      },
      { once: true },
    )
  })
}
