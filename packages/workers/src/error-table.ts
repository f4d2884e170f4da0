import type { ErrorSpec } from '@flashcards/queue-core'

/**
 * Every error of the workers, declared once: its code, the HTTP status it stands for, and whether
 * another attempt may succeed. `errors.ts` builds the classes from these rows. This module imports
 * nothing at run time, so the extraction sandbox's threads can build `ExtractionError` from its
 * row without loading BullMQ or queue-core.
 */
export const WORKER_ERRORS = {
  RATE_LIMITED: { code: 'RATE_LIMITED', statusCode: 429, retryable: true },
  JOB_TIMEOUT: { code: 'JOB_TIMEOUT', statusCode: 504, retryable: true },
  JOB_CANCELLED: { code: 'JOB_CANCELLED', statusCode: 409, retryable: false },
  INVALID_JOB: { code: 'INVALID_JOB', statusCode: 400, retryable: false },
  CONTENT_NOT_FOUND: { code: 'CONTENT_NOT_FOUND', statusCode: 404, retryable: false },
  EXTRACTION_FAILED: { code: 'EXTRACTION_FAILED', statusCode: 422, retryable: false },
  NO_CARDS: { code: 'NO_CARDS', statusCode: 422, retryable: false },
  MALFORMED_OUTPUT: { code: 'MALFORMED_OUTPUT', statusCode: 502, retryable: false },
  PROVIDER_REFUSED: { code: 'PROVIDER_REFUSED', statusCode: 502, retryable: false },
  PROVIDER_UNAVAILABLE: { code: 'PROVIDER_UNAVAILABLE', statusCode: 503, retryable: true },
  STT_NOT_CONFIGURED: { code: 'STT_NOT_CONFIGURED', statusCode: 501, retryable: false },
  FILE_PROBLEM: { code: 'FILE_PROBLEM', statusCode: 422, retryable: false },
  FILE_FAILED: { code: 'FILE_FAILED', statusCode: 422, retryable: false },
  /** Errno-style: it surfaces through a socket's DNS lookup. */
  REFUSED_ADDRESS: { code: 'EREFUSEDADDRESS', statusCode: 403, retryable: false },
  WEBHOOK_REFUSED: { code: 'WEBHOOK_REFUSED', statusCode: 403, retryable: false },
  WEBHOOK_NOT_DELIVERED: { code: 'WEBHOOK_NOT_DELIVERED', statusCode: 502, retryable: true },
  HOST_CONFIG_INVALID: { code: 'HOST_CONFIG_INVALID', statusCode: 500, retryable: false },
  JOB_ABORTED: { code: 'JOB_ABORTED', statusCode: 503, retryable: true },
  FILE_UNREACHABLE: { code: 'FILE_UNREACHABLE', statusCode: 503, retryable: true },
  EXTRACTOR_FAILED: { code: 'EXTRACTOR_FAILED', statusCode: 500, retryable: false },
  THREAD_POOL_CLOSED: { code: 'THREAD_POOL_CLOSED', statusCode: 503, retryable: true },
} as const satisfies Record<string, ErrorSpec>
