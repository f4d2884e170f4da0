import { StreamsExhaustedError, TooManyStreamsError } from '../errors.js'

export interface StreamLimits {
  /** Open event streams one tenant may hold; the next answers 429. */
  maxPerTenant: number
  /** Open event streams of all tenants together; the next answers 503. */
  maxTotal: number
  /** A stream that delivered no job event for this long is ended (heartbeats do not count). */
  idleTimeoutMs: number
  /** A stream is ended after this long whatever happens; the client reconnects. */
  maxLifetimeMs: number
}

/**
 * Counts the open event streams per tenant and in total. Each stream holds a socket, a file
 * descriptor and listeners until it ends, so a client opening them in a loop would exhaust the
 * process (20,000 streams from one token did, before this limit).
 */
export class StreamLimiter {
  private readonly perTenant = new Map<string, number>()
  private total = 0

  constructor(private readonly limits: StreamLimits) {}

  get open(): number {
    return this.total
  }

  /** Takes a slot for the tenant, or throws the refusal; the returned function gives it back (once). */
  acquire(tenant: string): () => void {
    const held = this.perTenant.get(tenant) ?? 0
    if (held >= this.limits.maxPerTenant) throw new TooManyStreamsError(this.limits.maxPerTenant, held)
    if (this.total >= this.limits.maxTotal) throw new StreamsExhaustedError()
    this.perTenant.set(tenant, held + 1)
    this.total++
    let released = false
    return () => {
      if (released) return
      released = true
      this.total--
      const left = (this.perTenant.get(tenant) ?? 1) - 1
      if (left === 0) this.perTenant.delete(tenant)
      else this.perTenant.set(tenant, left)
    }
  }
}
