import { JobAbortedError, JobCancelledError, JobTimeoutError } from '../errors.js'

/** The reason BullMQ's signal carries when the API asked to cancel the job. */
export const CANCEL_REASON = 'cancel requested'

/**
 * One attempt's AbortSignal: aborted after `timeoutMs` (JOB_TIMEOUT_MS) or when BullMQ aborts
 * the job (a cancel request, a forced shutdown). `aborted` rejects with the reason, to race the
 * processor against.
 */
export interface AttemptSignal {
  signal: AbortSignal
  aborted: Promise<never>
  dispose: () => void
}

export function attemptSignal(jobId: string, timeoutMs: number, bullSignal: AbortSignal | undefined): AttemptSignal {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(new JobTimeoutError(timeoutMs)), timeoutMs)
  const onBullAbort = () =>
    controller.abort(bullSignal?.reason === CANCEL_REASON ? new JobCancelledError(jobId) : new JobAbortedError(`Job aborted: ${String(bullSignal?.reason)}`))
  bullSignal?.addEventListener('abort', onBullAbort, { once: true })
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true })
  })
  aborted.catch(() => {})
  return {
    signal: controller.signal,
    aborted,
    dispose: () => {
      clearTimeout(timer)
      bullSignal?.removeEventListener('abort', onBullAbort)
    },
  }
}
