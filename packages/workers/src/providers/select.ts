import type { FlashcardConfig } from '@flashcards/queue-core'
import { GeminiProvider } from './gemini.js'
import { OfflineProvider } from './offline/index.js'
import { OpenAiCompatibleProvider } from './openai-compatible.js'
import type { LlmProvider } from './types.js'

/** The provider LLM_PROVIDER names (default: gemini when a Gemini key is set, else offline). */
export function createProvider(llm: FlashcardConfig['llm']): LlmProvider {
  switch (llm.provider) {
    case 'offline':
      return new OfflineProvider()
    case 'gemini':
      if (!llm.geminiApiKey) throw new Error('LLM_PROVIDER=gemini needs GEMINI_API_KEY (or GOOGLE_AI_API_KEY)')
      return new GeminiProvider({ apiKey: llm.geminiApiKey, model: llm.geminiModel, ...(llm.geminiBaseUrl ? { baseUrl: llm.geminiBaseUrl } : {}) })
    case 'openai-compatible':
      if (!llm.openaiBaseUrl) throw new Error('LLM_PROVIDER=openai-compatible needs OPENAI_BASE_URL (for example http://localhost:11434/v1)')
      if (!llm.openaiModel) throw new Error('LLM_PROVIDER=openai-compatible needs OPENAI_MODEL (for example llama3.1:8b)')
      return new OpenAiCompatibleProvider({
        baseUrl: llm.openaiBaseUrl,
        model: llm.openaiModel,
        ...(llm.openaiApiKey ? { apiKey: llm.openaiApiKey } : {}),
      })
  }
}
