import { RateLimitedError, UnrecoverableError } from '../errors.js'

/** Wait this long on a 429 or 503 that does not say how long. */
export const DEFAULT_RATE_LIMIT_DELAY_MS = 30_000
export const DEFAULT_UNAVAILABLE_DELAY_MS = 10_000

export interface HttpFailure {
  provider: string
  status: number
  /** The parsed JSON error body, when there is one. */
  body: unknown
  /** The Retry-After header (seconds or an HTTP date), when the transport exposes it. */
  retryAfter?: string | null
  /** Environment variables that hold the credentials, named in auth errors. */
  keyVariables: string
  /** Environment variable that names the model, named when the model is unknown. */
  modelVariable: string
}

/**
 * Maps an HTTP failure of an LLM API to what the worker should do:
 * 429 / 503 → `RateLimitedError` (the whole queue waits the server's delay, no attempt used);
 * a per-day quota → `UnrecoverableError` (waiting minutes will not help);
 * 401 / 403 → `UnrecoverableError` naming the variable to fix; 400 / 404 → `UnrecoverableError`;
 * anything else (500, 502, 504) → a plain error, retried with backoff.
 */
export function classifyHttpFailure(failure: HttpFailure): Error {
  const { provider, status } = failure
  const detail = errorMessage(failure.body)
  const said = detail ? `: ${detail}` : ''
  // Gemini answers an invalid key with 400 API_KEY_INVALID rather than 401.
  if (status === 401 || status === 403 || (status === 400 && isInvalidKey(failure.body))) {
    return new UnrecoverableError(`${provider} refused the credentials (HTTP ${status})${said}. Check ${failure.keyVariables}`)
  }
  if (status === 429 && isDailyQuota(failure.body)) {
    return new UnrecoverableError(`${provider} daily quota is exhausted (HTTP 429)${said}. Retry after the quota resets or raise it`)
  }
  if (status === 429 || status === 503) {
    const delay = retryDelayMs(failure) ?? (status === 429 ? DEFAULT_RATE_LIMIT_DELAY_MS : DEFAULT_UNAVAILABLE_DELAY_MS)
    return new RateLimitedError(delay, `${provider} answered HTTP ${status} (${status === 429 ? 'rate limited' : 'overloaded'}), retry in ${Math.ceil(delay / 1000)} s`)
  }
  if (status === 404) {
    return new UnrecoverableError(`${provider} answered HTTP 404${said}. Check ${failure.modelVariable} and the base URL`)
  }
  if (status === 400 || status === 422) {
    return new UnrecoverableError(`${provider} rejected the request (HTTP ${status})${said}`)
  }
  return new Error(`${provider} failed with HTTP ${status}${said}`)
}

function errorMessage(body: unknown): string | undefined {
  const error = (body as { error?: unknown })?.error
  const message = typeof error === 'string' ? error : (error as { message?: unknown })?.message
  return typeof message === 'string' ? message.slice(0, 300) : undefined
}

interface GoogleErrorDetail {
  '@type'?: string
  reason?: string
  retryDelay?: string
  violations?: { quotaId?: string; quotaMetric?: string }[]
}

function details(body: unknown): GoogleErrorDetail[] {
  const list = (body as { error?: { details?: unknown } })?.error?.details
  return Array.isArray(list) ? (list as GoogleErrorDetail[]) : []
}

function isInvalidKey(body: unknown): boolean {
  return details(body).some((detail) => detail.reason === 'API_KEY_INVALID')
}

function isDailyQuota(body: unknown): boolean {
  const code = (body as { error?: { code?: unknown; type?: unknown } })?.error
  if (code?.code === 'insufficient_quota' || code?.type === 'insufficient_quota') return true
  return details(body).some((detail) =>
    (detail.violations ?? []).some((violation) => /per ?day/i.test(`${violation.quotaId ?? ''} ${violation.quotaMetric ?? ''}`)),
  )
}

/** The server's requested delay: Google's RetryInfo (`"37s"`), else a Retry-After header. */
function retryDelayMs(failure: HttpFailure): number | undefined {
  for (const detail of details(failure.body)) {
    const match = detail.retryDelay && /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay)
    if (match) return Number(match[1]) * 1000
  }
  const header = failure.retryAfter?.trim()
  if (!header) return undefined
  if (/^\d+(\.\d+)?$/.test(header)) return Number(header) * 1000
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}
