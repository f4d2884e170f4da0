import type { Job } from 'bullmq'
import type { CancelRequests } from '../cancel.js'
import type { QueueName } from '../queues.js'
import type { CancelOutcome } from './types.js'

/**
 * Cancels a job. A job not yet running (or already finished) is removed; a running one gets a
 * cancel request that aborts its processor in whichever worker runs it, and then fails.
 */
export async function cancelJob(job: Job, queue: QueueName, cancels: CancelRequests): Promise<CancelOutcome> {
  const state = await job.getState()
  if (state !== 'active') {
    try {
      await job.remove({ removeChildren: true })
      return 'removed'
    } catch {
      // It started between getState and remove (the job is locked): cancel the run instead.
    }
  }
  await cancels.request(queue, String(job.id))
  return 'cancel_requested'
}
