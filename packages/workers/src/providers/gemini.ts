import type { Content } from '@google/genai'
import { lazyGoogleClient, type GoogleClient, type GoogleClientOptions } from './google-client.js'
import { classifyHttpFailure } from './http-failure.js'
import { JsonChatProvider, type JsonCompletion, type ResponseFormat } from './json-chat.js'
import type { ChatMessage } from './prompts.js'

export interface GeminiProviderOptions extends GoogleClientOptions {
  /** GEMINI_MODEL. */
  model: string
}

const KEY_VARIABLES = 'GEMINI_API_KEY (or GOOGLE_AI_API_KEY)'

/** Gemini through @google/genai, with structured output (`responseJsonSchema`). */
export class GeminiProvider extends JsonChatProvider {
  readonly name = 'gemini'
  readonly model: string
  private readonly google: () => Promise<GoogleClient>

  constructor(options: GeminiProviderOptions) {
    super()
    this.model = options.model
    this.google = lazyGoogleClient(options)
  }

  protected async complete(messages: ChatMessage[], format: ResponseFormat, signal: AbortSignal): Promise<JsonCompletion> {
    const system = messages.filter((message) => message.role === 'system').map((message) => message.content)
    const contents: Content[] = messages
      .filter((message) => message.role !== 'system')
      .map((message) => ({ role: message.role === 'assistant' ? 'model' : 'user', parts: [{ text: message.content }] }))
    const { genai, client } = await this.google()
    try {
      const response = await client.models.generateContent({
        model: this.model,
        contents,
        config: {
          ...(system.length > 0 ? { systemInstruction: system.join('\n') } : {}),
          responseMimeType: 'application/json',
          responseJsonSchema: format.schema,
          temperature: 0.2,
          abortSignal: signal,
        },
      })
      return {
        text: response.text ?? '',
        usage: {
          inputTokens: response.usageMetadata?.promptTokenCount ?? 0,
          outputTokens: response.usageMetadata?.candidatesTokenCount ?? 0,
        },
      }
    } catch (err) {
      signal.throwIfAborted()
      if (err instanceof genai.ApiError) {
        throw classifyHttpFailure({
          provider: 'gemini',
          status: err.status,
          body: err.message,
          keyVariables: KEY_VARIABLES,
          modelVariable: 'GEMINI_MODEL',
        })
      }
      throw err
    }
  }
}
