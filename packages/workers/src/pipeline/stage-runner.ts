import type { LlmProvider, ProviderAnswer, TokenUsage } from '../providers/types.js'
import type { Stage, StageCache, StageCacheKey } from './stage-cache.js'

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
  /** Cache answers read ahead by {@link prefetch}, by stage and content hash; taken once. */
  private readonly prefetched = new Map<string, { value: unknown; raw: unknown } | undefined>()
  /** Where the module's stage-A answers came from so far (see {@link cached}). */
  private readonly stageA = { fresh: 0, cached: 0 }

  constructor(
    private readonly provider: LlmProvider,
    private readonly cache: StageCache | undefined,
    private readonly onLlmCall: ((event: LlmCallEvent) => Promise<void>) | undefined,
  ) {}

  private key(stage: Stage, contentHash: string): StageCacheKey {
    const { name, model, promptVersion } = this.provider
    return { stage, contentHash, provider: name, model, promptVersion }
  }

  /**
   * Reads the cache entries of several calls of a stage in one round trip (a module's stage-A
   * batches), so the calls that follow do not each wait on their own read.
   */
  async prefetch(stage: Stage, contentHashes: readonly string[]): Promise<void> {
    if (!this.cache || contentHashes.length === 0) return
    const hits = await this.cache.getMany<{ value: unknown; raw: unknown }>(contentHashes.map((hash) => this.key(stage, hash)))
    contentHashes.forEach((hash, i) => this.prefetched.set(`${stage}:${hash}`, hits[i]))
  }

  /**
   * The cache entry of a call, if any. Stage B is not looked up when every stage-A answer of the
   * module came from the provider in this run: its request holds those new concepts, so its key
   * cannot have been stored (both stages' entries are written together and live as long), and the
   * lookup would be a round trip per job that always misses. A module served from the cache
   * (a re-run) looks stage B up as before.
   */
  private async cached<T>(key: StageCacheKey): Promise<{ value: T; raw: unknown } | undefined> {
    if (!this.cache) return undefined
    if (key.stage === 'stageB' && this.stageA.fresh > 0 && this.stageA.cached === 0) return undefined
    const id = `${key.stage}:${key.contentHash}`
    if (this.prefetched.has(id)) {
      const hit = this.prefetched.get(id) as { value: T; raw: unknown } | undefined
      this.prefetched.delete(id)
      return hit
    }
    return this.cache.get<{ value: T; raw: unknown }>(key)
  }

  async run<T>(stage: Stage, contentHash: string, call: () => Promise<ProviderAnswer<T>>): Promise<StageOutcome<T>> {
    const key = this.key(stage, contentHash)
    const hit = await this.cached<T>(key)
    if (stage === 'stageA') this.stageA[hit ? 'cached' : 'fresh']++
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
