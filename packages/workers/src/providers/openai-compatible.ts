import { classifyHttpFailure } from './http-failure.js'
import { JsonChatProvider, type JsonCompletion, type ResponseFormat } from './json-chat.js'
import type { ChatMessage } from './prompts.js'

export interface OpenAiCompatibleOptions {
  /** OPENAI_BASE_URL, as the OpenAI SDK takes it: ends in `/v1`. */
  baseUrl: string
  apiKey?: string
  model: string
}

interface ChatCompletionResponse {
  choices?: { message?: { content?: string | null } }[]
  usage?: { prompt_tokens?: number; completion_tokens?: number }
}

/**
 * Chat completions with a JSON-schema response format, over plain fetch: OpenAI, Ollama, vLLM,
 * llama.cpp and other servers that speak the same wire format.
 */
export class OpenAiCompatibleProvider extends JsonChatProvider {
  readonly name = 'openai-compatible'
  readonly model: string
  private readonly endpoint: string
  private readonly apiKey: string | undefined

  constructor(options: OpenAiCompatibleOptions) {
    super()
    this.model = options.model
    this.endpoint = `${options.baseUrl.replace(/(?<!\/)\/+$/, '')}/chat/completions`
    this.apiKey = options.apiKey
  }

  protected async complete(messages: ChatMessage[], format: ResponseFormat, signal: AbortSignal): Promise<JsonCompletion> {
    const response = await fetch(this.endpoint, {
      method: 'POST',
      signal,
      headers: {
        'content-type': 'application/json',
        ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
      },
      body: JSON.stringify({
        model: this.model,
        messages,
        temperature: 0.2,
        response_format: { type: 'json_schema', json_schema: { name: format.name, strict: true, schema: format.schema } },
      }),
    })
    const text = await response.text()
    const body = parseJson(text)
    if (!response.ok) {
      const retryAfterMs = response.headers.get('retry-after-ms')
      throw classifyHttpFailure({
        provider: 'openai-compatible',
        status: response.status,
        body: body ?? text,
        retryAfter: retryAfterMs ? String(Number(retryAfterMs) / 1000) : response.headers.get('retry-after'),
        keyVariables: 'OPENAI_API_KEY',
        modelVariable: 'OPENAI_MODEL',
      })
    }
    const completion = (body ?? {}) as ChatCompletionResponse
    return {
      text: completion.choices?.[0]?.message?.content ?? '',
      usage: { inputTokens: completion.usage?.prompt_tokens ?? 0, outputTokens: completion.usage?.completion_tokens ?? 0 },
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
