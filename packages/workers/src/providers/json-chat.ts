import type { TSchema, Static } from 'typebox'
import { describeErrors } from '@flashcards/queue-core'
import { MalformedOutputError } from '../errors.js'
import { PROMPT_VERSION, StageAOutput, StageBOutput, repairMessage, stageAMessages, stageBMessages, type ChatMessage } from './prompts.js'
import type { CardDraft, CardRequest, Concept, ConceptRequest, LlmProvider, ProviderAnswer, TokenUsage } from './types.js'

export interface JsonCompletion {
  text: string
  usage: TokenUsage
}

export interface ResponseFormat {
  name: string
  schema: TSchema
}

/**
 * The part every chat-style LLM shares: build the stage prompts, ask for JSON that matches a
 * schema, validate the answer, and when it is malformed ask once more with the problems listed.
 * A subclass only implements one HTTP call (`complete`).
 */
export abstract class JsonChatProvider implements LlmProvider {
  abstract readonly name: string
  abstract readonly model: string
  readonly promptVersion = PROMPT_VERSION

  protected abstract complete(messages: ChatMessage[], format: ResponseFormat, signal: AbortSignal): Promise<JsonCompletion>

  async extractConcepts(request: ConceptRequest, options: { signal: AbortSignal }): Promise<ProviderAnswer<Omit<Concept, 'chunk_id'>[]>> {
    const answer = await this.ask(stageAMessages(request), { name: 'key_concepts', schema: StageAOutput }, options.signal)
    return { ...answer, value: answer.value.concepts.map((concept) => ({ ...concept, kind: 'fact' as const })) }
  }

  async writeCards(request: CardRequest, options: { signal: AbortSignal }): Promise<ProviderAnswer<CardDraft[]>> {
    const answer = await this.ask(stageBMessages(request), { name: 'flashcards', schema: StageBOutput }, options.signal)
    return { ...answer, value: answer.value.cards }
  }

  private async ask<S extends TSchema>(messages: ChatMessage[], format: ResponseFormat & { schema: S }, signal: AbortSignal): Promise<ProviderAnswer<Static<S>>> {
    const first = await this.complete(messages, format, signal)
    const checked = parseAgainst(format.schema, first.text)
    if (checked.ok) return { value: checked.value as Static<S>, usage: first.usage, calls: 1, raw: first.text }

    const retry = [...messages, { role: 'assistant' as const, content: first.text }, repairMessage(checked.problems)]
    const second = await this.complete(retry, format, signal)
    const usage = {
      inputTokens: first.usage.inputTokens + second.usage.inputTokens,
      outputTokens: first.usage.outputTokens + second.usage.outputTokens,
    }
    const repaired = parseAgainst(format.schema, second.text)
    if (repaired.ok) return { value: repaired.value as Static<S>, usage, calls: 2, raw: { first: first.text, repaired: second.text } }
    throw new MalformedOutputError(this.name, this.model, repaired.problems)
  }
}

type Parsed = { ok: true; value: unknown } | { ok: false; problems: string[] }

/** JSON.parse plus schema validation; tolerates a ```json fence some models add anyway. */
export function parseAgainst(schema: TSchema, text: string): Parsed {
  const unfenced = withoutFence(text.trim())
  let value: unknown
  try {
    value = JSON.parse(unfenced)
  } catch (err) {
    return { ok: false, problems: [`not JSON (${(err as Error).message})`] }
  }
  const problems = describeErrors(schema, value, 'answer')
  return problems.length === 0 ? { ok: true, value } : { ok: false, problems }
}

/** The text inside a ```json … ``` fence, cut by position: a regex with two `\s*` around a lazy body backtracks polynomially. */
function withoutFence(text: string): string {
  if (text.length < 6 || !text.startsWith('```') || !text.endsWith('```')) return text
  const inner = text.slice(3, -3)
  return (inner.startsWith('json') ? inner.slice(4) : inner).trim()
}
