import { randomUUID } from 'node:crypto'
import type { RedisConnection } from '../redis.js'
import { TransactionAbortedError } from '../errors.js'

/** Redis came back without the data this process saw: why, and when this process noticed. */
export interface DataLoss {
  reason: string
  /** When the epoch this process adopted was written (ISO), if it could be read. */
  epochWrittenAt: string | undefined
  detectedAt: string
}

/**
 * The epoch key: written once into an empty Redis by the first process that starts on it (SET NX)
 * and adopted by every later one. A Redis restarted without persistence, flushed, or failed over
 * to an empty replica comes back without it, so a process that sees its epoch gone (or replaced
 * by one a newer process wrote) knows the jobs it was told about may be gone too. The loss is
 * remembered by this process until it restarts: restarting is how an operator acknowledges it.
 */
export class RedisEpoch {
  private adopted: string | undefined
  private loss: DataLoss | undefined
  private readonly listeners = new Set<(loss: DataLoss) => void>()

  constructor(
    private readonly redis: RedisConnection,
    private readonly key: string,
  ) {}

  /** Calls `listener` once, when this process first notices the loss. */
  onLoss(listener: (loss: DataLoss) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * Adopts the epoch on the first call that reaches Redis (writing it into an empty Redis); on
   * later calls, the loss if the epoch is no longer the adopted one.
   */
  async check(): Promise<DataLoss | undefined> {
    if (this.loss) return this.loss
    if (this.adopted === undefined) {
      this.adopted = await this.adopt()
      return undefined
    }
    const current = await this.redis.get(this.key)
    if (current === this.adopted || this.loss) return this.loss
    return this.lost(current)
  }

  /** SET NX and GET in one MULTI: the epoch in Redis once this returns, whoever wrote it. */
  private async adopt(): Promise<string> {
    const fresh = JSON.stringify({ id: randomUUID(), written_at: new Date().toISOString() })
    const replies = await this.redis.multi().set(this.key, fresh, 'NX').get(this.key).exec()
    const failed = replies?.find(([err]) => err)
    if (!replies || failed) throw failed?.[0] ?? new TransactionAbortedError('the epoch MULTI was aborted')
    return replies[1]![1] as string
  }

  private lost(current: string | null): DataLoss {
    const writtenAt = writtenAtOf(this.adopted!)
    const since = writtenAt ? ` written at ${writtenAt}` : ''
    const what = current === null ? 'is gone' : 'was replaced by a newer one'
    this.loss = {
      reason:
        `Redis lost its data: the epoch key ${this.key}${since} ${what} (Redis restarted without persistence, was flushed, ` +
        'or failed over to an empty replica); jobs accepted before may be lost. Restart this process once checked (runbook: Redis came back empty)',
      epochWrittenAt: writtenAt,
      detectedAt: new Date().toISOString(),
    }
    for (const listener of this.listeners) listener(this.loss)
    return this.loss
  }
}

function writtenAtOf(epoch: string): string | undefined {
  try {
    const written = (JSON.parse(epoch) as { written_at?: unknown }).written_at
    return typeof written === 'string' ? written : undefined
  } catch {
    return undefined
  }
}
