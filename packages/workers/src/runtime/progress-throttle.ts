/** How often a job's progress is written to Redis at most (the final 100 % is never held back). */
export const PROGRESS_INTERVAL_MS = 250

export interface ProgressThrottleOptions {
  /** Writes one progress value (`job.updateProgress`). */
  send: (value: unknown) => Promise<void>
  /** Called when a write that nobody awaits fails. */
  onError: (err: Error) => void
  intervalMs?: number
  /** The first write waits a full interval from here: a job that ends sooner sends only its final value. */
  startedAt?: number
}

/**
 * Coalesces a job's progress writes. Each `job.updateProgress` is a Lua script on Redis plus an
 * event every SSE client reads; a fast job reporting seven steps within milliseconds would pay
 * seven of them. Here at most one write is in flight, values reported within `intervalMs` of the
 * last write replace each other and go out once at the end of the interval, and a final value
 * (100 %) is written at once. Nothing reported is lost for good: `flush()` writes what is pending.
 */
export class ProgressThrottle {
  private readonly intervalMs: number
  private lastSentAt: number
  private pending: { value: unknown } | undefined
  private inFlight: Promise<void> | undefined
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly options: ProgressThrottleOptions) {
    this.intervalMs = options.intervalMs ?? PROGRESS_INTERVAL_MS
    this.lastSentAt = options.startedAt ?? Date.now()
  }

  /**
   * Reports a value. A final one resolves once written (and rejects if the write fails); any other
   * resolves at once, its write (if still the latest) following within the interval.
   */
  async report(value: unknown, final = false): Promise<void> {
    this.pending = { value }
    if (final) return this.flush(true)
    if (this.timer || this.inFlight) return
    this.schedule(this.lastSentAt + this.intervalMs - Date.now())
  }

  /** Writes the pending value, if any, after the write in flight; stops the timer. */
  async flush(rethrow = false): Promise<void> {
    this.stopTimer()
    await this.inFlight?.catch(() => {})
    this.stopTimer()
    if (!this.pending) return
    const write = this.write()
    await (rethrow ? write : write.catch(this.options.onError))
  }

  private schedule(wait: number): void {
    if (wait <= 0) return this.background()
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.background()
    }, wait)
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }

  private background(): void {
    if (!this.pending || this.inFlight) return
    this.write().catch(this.options.onError)
  }

  private write(): Promise<void> {
    const { value } = this.pending!
    this.pending = undefined
    this.lastSentAt = Date.now()
    const write = this.options.send(value).finally(() => {
      this.inFlight = undefined
      this.lastSentAt = Date.now()
      // A value reported while this one was being written goes out after the interval.
      if (this.pending && !this.timer) this.schedule(this.intervalMs)
    })
    this.inFlight = write
    return write
  }
}
