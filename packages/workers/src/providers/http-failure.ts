import { ProviderRefusedError, ProviderUnavailableError, RateLimitedError } from '../errors.js'

/** Wait this long on a 429 that does not say how long. */
export const DEFAULT_RATE_LIMIT_DELAY_MS = 30_000

/** An HTTP failure of an upstream API: an LLM or a speech-to-text server. */
export interface HttpFailure {
  /** How messages name the service, e.g. `gemini`, `OpenAI-compatible speech-to-text`. */
  provider: string
  status: number
  /** The error body: parsed JSON, or the text as the transport gave it (JSON inside it is found). */
  body: unknown
  /** The Retry-After header (seconds or an HTTP date), when the transport exposes it. */
  retryAfter?: string | null
  /** Environment variables that hold the credentials, named in auth errors. */
  keyVariables: string
  /** Environment variable that names the model, named when the server does not know it. */
  modelVariable: string
}

/**
 * The one classifier of HTTP failures, for LLMs and speech-to-text alike:
 * - 429 → `RateLimitedError` with the server's delay (Google's RetryInfo or Retry-After): the
 *   whole queue waits and the job goes back without using an attempt; but a per-day quota →
 *   `ProviderRefusedError` (waiting minutes will not help);
 * - 5xx and 408 → `ProviderUnavailableError`: transient, retried with backoff;
 * - 401 / 403 (and Gemini's 400 API_KEY_INVALID) → `ProviderRefusedError` naming the variable
 *   to fix; 404 → naming the model variable; any other 4xx → `ProviderRefusedError`.
 */
export function classifyHttpFailure(failure: HttpFailure): Error {
  const { provider, status } = failure
  const body = jsonBody(failure.body)
  const detail = errorMessage(body)
  const said = detail ? `: ${detail}` : ''
  if (status === 401 || status === 403 || (status === 400 && isInvalidKey(body))) {
    return new ProviderRefusedError(`${provider} refused the credentials (HTTP ${status})${said}. Check ${failure.keyVariables}`)
  }
  if (status === 429 && isDailyQuota(body)) {
    return new ProviderRefusedError(`${provider} daily quota is exhausted (HTTP 429)${said}. Retry after the quota resets or raise it`)
  }
  if (status === 429) {
    const delay = retryDelayMs(body, failure.retryAfter) ?? DEFAULT_RATE_LIMIT_DELAY_MS
    return new RateLimitedError(delay, `${provider} answered HTTP 429 (rate limited), retry in ${Math.ceil(delay / 1000)} s${said}`)
  }
  if (status >= 500 || status === 408) return new ProviderUnavailableError(`${provider} failed with HTTP ${status}${said}`)
  if (status === 404) return new ProviderRefusedError(`${provider} answered HTTP 404${said}. Check ${failure.modelVariable} and the base URL`)
  return new ProviderRefusedError(`${provider} rejected the request (HTTP ${status})${said}`)
}

/** A body as JSON: parsed already, a JSON text, or a text with JSON after a prefix (the Google SDK's messages). */
function jsonBody(body: unknown): unknown {
  if (typeof body !== 'string') return body
  for (const start of [0, body.indexOf('{')]) {
    if (start < 0) continue
    try {
      return JSON.parse(body.slice(start)) as unknown
    } catch {
      // not JSON from there
    }
  }
  return body.trim() === '' ? undefined : { error: { message: body } }
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
  return details(body).some((detail) => (detail.violations ?? []).some((violation) => /per ?day/i.test(`${violation.quotaId ?? ''} ${violation.quotaMetric ?? ''}`)))
}

/** The server's requested delay: Google's RetryInfo (`"37s"`), else a Retry-After header. */
function retryDelayMs(body: unknown, retryAfter: string | null | undefined): number | undefined {
  for (const detail of details(body)) {
    const match = detail.retryDelay && /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay)
    if (match) return Number(match[1]) * 1000
  }
  const header = retryAfter?.trim()
  if (!header) return undefined
  if (/^\d+(?:\.\d+)?$/.test(header)) return Number(header) * 1000
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}
