import type { LlmProvider, ProviderAnswer, TokenUsage } from '../providers/types.js'
import type { Stage, StageCache } from './stage-cache.js'

/** One provider call (or cache hit), for metrics. */
export interface LlmCallEvent {
  stage: Stage
  ok: boolean
  cached: boolean
  usage: TokenUsage
}

export interface StageOutcome<T> {
  value: T
  raw: unknown
  cached: boolean
  /** Absent on a cache hit. */
  usage?: TokenUsage
}

const NO_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0 }

/**
 * Runs every provider call of a module: answers from the stage cache when it has them (keyed by
 * what the stage reads, the provider, model and prompt version), else calls the provider, stores
 * the answer, and counts calls and tokens for the module's stats and the worker's metrics.
 */
export class StageRunner {
  readonly totals = { calls: 0, cached: 0, inputTokens: 0, outputTokens: 0 }

  constructor(
    private readonly provider: LlmProvider,
    private readonly cache: StageCache | undefined,
    private readonly onLlmCall: ((event: LlmCallEvent) => Promise<void>) | undefined,
  ) {}

  async run<T>(stage: Stage, contentHash: string, call: () => Promise<ProviderAnswer<T>>): Promise<StageOutcome<T>> {
    const { name, model, promptVersion } = this.provider
    const key = { stage, contentHash, provider: name, model, promptVersion }
    const hit = this.cache ? await this.cache.get<{ value: T; raw: unknown }>(key) : undefined
    if (hit) {
      this.totals.cached++
      await this.onLlmCall?.({ stage, ok: true, cached: true, usage: NO_USAGE })
      return { value: hit.value, raw: hit.raw, cached: true }
    }
    let answer: ProviderAnswer<T>
    try {
      answer = await call()
    } catch (err) {
      await this.onLlmCall?.({ stage, ok: false, cached: false, usage: NO_USAGE })
      throw err
    }
    this.totals.calls += answer.calls
    this.totals.inputTokens += answer.usage.inputTokens
    this.totals.outputTokens += answer.usage.outputTokens
    await this.onLlmCall?.({ stage, ok: true, cached: false, usage: answer.usage })
    await this.cache?.set(key, { value: answer.value, raw: answer.raw })
    return { value: answer.value, raw: answer.raw, cached: false, usage: answer.usage }
  }
}

/** The token fields of a stage's progress data (none for a cache hit). */
export function usageData(outcome: StageOutcome<unknown>): Record<string, number> {
  return outcome.usage ? { input_tokens: outcome.usage.inputTokens, output_tokens: outcome.usage.outputTokens } : {}
}
