import type { Job } from 'bullmq'
import type { CancelRequests } from '../cancel.js'
import { FlashcardError } from '../errors.js'
import type { QueueName } from '../queues.js'
import type { JobStats } from '../stats.js'
import { normaliseState } from '../status.js'

/** Runs a failed (or completed) job again with a fresh set of attempts; CONFLICT for any other state. */
export async function retryJob(job: Job, queue: QueueName, cancels: CancelRequests, stats: JobStats): Promise<void> {
  const state = await job.getState()
  if (state !== 'failed' && state !== 'completed') {
    const current = normaliseState(state)
    throw new FlashcardError('CONFLICT', `Job ${job.id} is ${current}; only failed or completed jobs can be retried`, {
      details: { state: current },
    })
  }
  await cancels.clear(queue, String(job.id))
  await job.retry(state)
  await stats.recordEnqueued(queue)
}
