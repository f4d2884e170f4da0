import { UnrecoverableError } from 'bullmq'
import { RateLimitedError } from '../../runtime/index.js'
import { permanent, transient } from '../errors.js'

const DEFAULT_RATE_LIMIT_DELAY_MS = 30_000

/** Seconds from a Retry-After header or a Google RetryInfo `"retryDelay": "12s"`, as milliseconds. */
export function retryDelayMs(retryAfter: string | null | undefined, body = ''): number {
  const fromBody = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(body)?.[1]
  const seconds = Number(fromBody ?? retryAfter)
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_RATE_LIMIT_DELAY_MS
}

/**
 * Maps a provider's HTTP status to what the job should do: 429 pauses the queue, 401/403 fail at
 * once naming the variable to fix, other 4xx fail at once, 5xx are retried.
 */
export function providerStatusError(provider: string, status: number, detail: string, keyVariable: string, retryAfter?: string | null): Error {
  const summary = `${provider} speech-to-text answered HTTP ${status}: ${detail.slice(0, 300)}`
  if (status === 429) return new RateLimitedError(retryDelayMs(retryAfter, detail), summary)
  if (status === 401 || status === 403) return new UnrecoverableError(`${summary} — check ${keyVariable}`)
  if (status >= 500 || status === 408) return transient(summary)
  return permanent(summary)
}
