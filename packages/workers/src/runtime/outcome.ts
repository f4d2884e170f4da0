import { Worker, type Job } from 'bullmq'
import { clientSafeText, redact, type QueueName, type WorkerQueues } from '@flashcards/queue-core'
import type { Attempt } from './attempt.js'
import { isUnrecoverable, RateLimitedError } from '../errors.js'

/** Logs, saves and counts a completed attempt; returns the result for BullMQ to store. */
export async function completeAttempt<Result>(attempt: Attempt, result: Result, cards: number): Promise<Result> {
  await attempt.flushProgress()
  const seconds = (Date.now() - attempt.startedAt) / 1000
  attempt.log.info('job_complete', `Completed in ${seconds.toFixed(1)} s`, { cards })
  await attempt.save(() => attempt.writer.finish('completed', { result }))
  await attempt.recordStats({ outcome: 'SUCCESS', durationSeconds: seconds, cards })
  attempt.logger.info({ seconds, cards }, 'job completed')
  return result
}

/**
 * Sorts a failed attempt: a parent parking until its children finish, a rate limit (the queue
 * pauses, no attempt used), or a failure, final when unrecoverable or out of attempts. Always throws.
 */
export async function failAttempt(attempt: Attempt, caught: unknown, job: Job, queues: WorkerQueues, queue: QueueName): Promise<never> {
  // A processor that notices the abort itself throws its own error; report the abort's reason.
  const err: unknown = attempt.signal.aborted ? attempt.signal.reason : caught
  await attempt.flushProgress()
  if (err instanceof Error && err.name === 'WaitingChildrenError') {
    attempt.log.info('waiting_children', 'Waiting for its child jobs; the job resumes when they have finished')
    await attempt.save(() => attempt.writer.flush())
    await attempt.recordStats()
    throw err
  }
  if (err instanceof RateLimitedError) {
    attempt.log.warn('rate_limited', `${err.message}; the queue pauses ${err.delayMs} ms and the job waits without using an attempt`)
    await attempt.save(() => attempt.writer.flush())
    await attempt.recordStats()
    attempt.logger.warn({ delayMs: err.delayMs }, 'rate limited: pausing the queue')
    await queues.queue(queue).rateLimit(err.delayMs)
    throw Worker.RateLimitError()
  }
  const message = err instanceof Error ? err.message : String(err)
  const final = isUnrecoverable(err) || attempt.number >= (job.opts.attempts ?? 1)
  const safe = clientSafeError(err)
  attempt.log.entry('error', 'job_failed', final ? `Failed: ${safe.message}` : `Attempt failed, will retry: ${safe.message}`)
  await attempt.save(() => (final ? attempt.writer.finish('failed', { error: safe }) : attempt.writer.flush()))
  await attempt.recordStats(final ? { outcome: 'FAILED', durationSeconds: (Date.now() - attempt.startedAt) / 1000 } : undefined)
  // The operator's log keeps the server paths; it is redacted by the logger.
  attempt.logger.warn({ err: message, final }, 'job attempt failed')
  throw safe
}

/**
 * The error as tenants may see it: BullMQ stores its message in Redis, the API serves it and the
 * job log (also served) records it, so it carries no secret and no absolute server path (an fs
 * error's `open '/srv/content/…'` becomes `open '…/file'`).
 */
function clientSafeError(err: unknown): Error {
  const safe = redact(err instanceof Error ? err : new Error(String(err))) as Error
  safe.message = clientSafeText(safe.message)
  return safe
}
