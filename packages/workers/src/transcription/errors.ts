import type { CodedError } from '@flashcards/queue-core'
import { FileFailedError, FileProblem, FileUnreachableError } from '../errors.js'

/** A problem another attempt cannot fix (404, too large, corrupt, refused address), or one it may (timeouts, 5xx). */
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
  // A coded error (a file problem, an unavailable provider) says itself whether another attempt may help.
  const retryable = typeof (err as Partial<CodedError>)?.retryable === 'boolean' ? (err as CodedError).retryable : isTransientNetworkError(err)
  if (retryable) return new FileUnreachableError(message, { cause: err })
  return new FileFailedError(message, { cause: err })
}
