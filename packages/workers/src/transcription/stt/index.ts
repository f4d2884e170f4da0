import type { FlashcardConfig } from '@flashcards/queue-core'
import { GeminiSpeechToText } from './gemini.js'
import { OpenAiSpeechToText } from './openai.js'
import type { SpeechToText } from './types.js'

export { GeminiSpeechToText, type GeminiSpeechToTextOptions } from './gemini.js'
export { OpenAiSpeechToText, type OpenAiSpeechToTextOptions } from './openai.js'
export type { MediaInput, SpeechToText, Transcript } from './types.js'

/**
 * The configured speech-to-text provider: an OpenAI-compatible server when LLM_PROVIDER is
 * `openai-compatible` (or no Gemini key is set but OPENAI_BASE_URL is), else Gemini when a key is
 * set. Undefined when neither is configured; media files then fail with `SpeechToTextMissingError`.
 */
export function createSpeechToText(config: Readonly<FlashcardConfig>, transcriptionModel = config.transcription.openaiTranscriptionModel): SpeechToText | undefined {
  const { llm } = config
  const openai = () =>
    new OpenAiSpeechToText({
      baseUrl: llm.openaiBaseUrl!,
      model: transcriptionModel,
      ...(llm.openaiApiKey ? { apiKey: llm.openaiApiKey } : {}),
    })
  if (llm.openaiBaseUrl && (llm.provider === 'openai-compatible' || !llm.geminiApiKey)) return openai()
  if (llm.geminiApiKey) {
    return new GeminiSpeechToText({ apiKey: llm.geminiApiKey, model: llm.geminiModel, ...(llm.geminiBaseUrl ? { baseUrl: llm.geminiBaseUrl } : {}) })
  }
  return undefined
}
