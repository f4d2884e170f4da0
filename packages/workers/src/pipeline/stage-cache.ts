import { createHash } from 'node:crypto'
import { auxKey, type RedisConnection } from '@flashcards/queue-core'

/** Cached stage outputs live a week: long enough for re-runs, short enough to bound Redis. */
export const STAGE_CACHE_TTL_SECONDS = 7 * 24 * 3600

/** The two LLM stages, spelled this one way in cache keys, metrics, progress steps and job logs. */
export type Stage = 'stageA' | 'stageB'

export interface StageCacheKey {
  stage: Stage
  /** Hash of everything the stage reads (chunk text; concepts and settings). */
  contentHash: string
  provider: string
  model: string
  promptVersion: string
}

/**
 * Stage outputs in Redis by (tenant, content hash, stage, provider, model, prompt version), so
 * regenerating an unchanged module makes no LLM call. Keys sit under the queue prefix. The tenant
 * is part of the key: one tenant's outputs are never served to another, whatever their content.
 */
export class StageCache {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
    private readonly tenant = '',
  ) {}

  private key(key: StageCacheKey): string {
    const id = createHash('sha256')
      .update(JSON.stringify([this.tenant, key.stage, key.contentHash, key.provider, key.model, key.promptVersion]))
      .digest('hex')
    return auxKey(this.prefix, 'orchestrator', `cache:${key.stage}:${id}`)
  }

  async get<T>(key: StageCacheKey): Promise<T | undefined> {
    return parsed<T>(await this.redis.get(this.key(key)))
  }

  /** Several entries in one MGET (every key is under the queue prefix: one slot on a cluster). */
  async getMany<T>(keys: readonly StageCacheKey[]): Promise<(T | undefined)[]> {
    if (keys.length === 0) return []
    const raws = await this.redis.mget(keys.map((key) => this.key(key)))
    return raws.map((raw) => parsed<T>(raw))
  }

  async set(key: StageCacheKey, value: unknown): Promise<void> {
    await this.redis.set(this.key(key), JSON.stringify(value), 'EX', STAGE_CACHE_TTL_SECONDS)
  }
}

function parsed<T>(raw: string | null): T | undefined {
  if (raw === null) return undefined
  try {
    return JSON.parse(raw) as T
  } catch {
    return undefined
  }
}

export function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex')
}
