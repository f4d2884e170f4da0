import type { FlashcardConfig } from '@flashcards/queue-core'
import { GeminiProvider } from './gemini.js'
import { OfflineProvider } from './offline/index.js'
import { OpenAiCompatibleProvider } from './openai-compatible.js'
import type { LlmProvider } from './types.js'

/** The provider LLM_PROVIDER names (default: gemini when a Gemini key is set, else offline), with the settings loading checked. */
export function createProvider(llm: FlashcardConfig['llm']): LlmProvider {
  switch (llm.provider) {
    case 'offline':
      return new OfflineProvider()
    case 'gemini':
      return new GeminiProvider({ apiKey: llm.geminiApiKey, model: llm.geminiModel, ...(llm.geminiBaseUrl ? { baseUrl: llm.geminiBaseUrl } : {}) })
    case 'openai-compatible':
      return new OpenAiCompatibleProvider({
        baseUrl: llm.openaiBaseUrl,
        model: llm.openaiModel,
        ...(llm.openaiApiKey ? { apiKey: llm.openaiApiKey } : {}),
      })
  }
}
