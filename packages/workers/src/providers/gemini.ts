import type { Content, GoogleGenAI } from '@google/genai'
import { classifyHttpFailure } from './errors.js'
import { JsonChatProvider, type JsonCompletion, type ResponseFormat } from './json-chat.js'
import type { ChatMessage } from './prompts.js'

export interface GeminiProviderOptions {
  apiKey: string
  model: string
  /** GEMINI_BASE_URL: another endpoint speaking the Gemini API (tests use a loopback server). */
  baseUrl?: string
}

const KEY_VARIABLES = 'GEMINI_API_KEY (or GOOGLE_AI_API_KEY)'

/** Gemini through @google/genai, with structured output (`responseJsonSchema`). */
export class GeminiProvider extends JsonChatProvider {
  readonly name = 'gemini'
  readonly model: string
  private readonly options: GeminiProviderOptions
  private client: GoogleGenAI | undefined

  constructor(options: GeminiProviderOptions) {
    super()
    this.model = options.model
    this.options = options
  }

  protected async complete(messages: ChatMessage[], format: ResponseFormat, signal: AbortSignal): Promise<JsonCompletion> {
    const system = messages.filter((message) => message.role === 'system').map((message) => message.content)
    const contents: Content[] = messages
      .filter((message) => message.role !== 'system')
      .map((message) => ({ role: message.role === 'assistant' ? 'model' : 'user', parts: [{ text: message.content }] }))
    // The SDK is loaded on the first call: workers on another provider never load it.
    const { ApiError, GoogleGenAI } = await import('@google/genai')
    this.client ??= new GoogleGenAI({
      apiKey: this.options.apiKey,
      ...(this.options.baseUrl ? { httpOptions: { baseUrl: this.options.baseUrl } } : {}),
    })
    try {
      const response = await this.client.models.generateContent({
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
      if (err instanceof ApiError) {
        throw classifyHttpFailure({
          provider: 'gemini',
          status: err.status,
          body: parseJson(err.message),
          keyVariables: KEY_VARIABLES,
          modelVariable: 'GEMINI_MODEL',
        })
      }
      throw err
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return { error: { message: text } }
  }
}
