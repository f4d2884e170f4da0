import { UnrecoverableError } from 'bullmq'

/**
 * A file of a transcription job could not be read or transcribed. `retryable` says whether
 * another attempt may succeed (timeouts, 5xx, dropped connections) or not (404, too large,
 * corrupt, unsupported, refused address); `toJobError` turns the latter into BullMQ's
 * UnrecoverableError so the job fails at once.
 */
export class FileProblem extends Error {
  readonly retryable: boolean
  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'FileProblem'
    this.retryable = options.retryable
  }
}

export const permanent = (message: string, cause?: unknown) => new FileProblem(message, { retryable: false, cause })
export const transient = (message: string, cause?: unknown) => new FileProblem(message, { retryable: true, cause })

/** A URL as it may appear in messages and logs: no credentials, no query (presigned signatures live there). */
export function safeUrl(raw: string): string {
  try {
    const url = new URL(raw)
    if (url.protocol === 'file:') return url.pathname
    return `${url.protocol}//${url.host}${url.pathname}${url.search ? '?…' : ''}`
  } catch {
    return raw.length > 200 ? `${raw.slice(0, 200)}…` : raw
  }
}

/** Network error codes worth another attempt; anything else (refused, unknown host) is not. */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET', 'EHOSTUNREACH', 'ENETUNREACH'])

export function isTransientNetworkError(err: unknown): boolean {
  const code = (err as { code?: string })?.code
  return code !== undefined && TRANSIENT_CODES.has(code)
}

/** Prefixes the message with the file it concerns and picks retry or fail-now. */
export function toJobError(fileLabel: string, err: unknown): Error {
  const message = `${fileLabel}: ${err instanceof Error ? err.message : String(err)}`
  const retryable = err instanceof FileProblem ? err.retryable : isTransientNetworkError(err)
  if (retryable) return new Error(message, { cause: err })
  return new UnrecoverableError(message)
}
