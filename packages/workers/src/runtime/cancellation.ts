import type { Job } from 'bullmq'
import type { QueueName, WorkerQueues } from '@flashcards/queue-core'

/**
 * Which running jobs a cancel request reaches. A cancel names one job id; for a parent job (a
 * module's transcription, parked while its files are transcribed by child jobs) it reaches the
 * children of that parent running in this worker too, and a child that starts later sees its
 * parent's request before it does anything.
 */
export function cancellationScope(queue: QueueName, queues: WorkerQueues) {
  /** Running job id → its parent's id, when the parent is on this queue. */
  const running = new Map<string, string | undefined>()
  const parentOf = (job: Job) => (job.parent && job.parent.queueKey === job.queueQualifiedName ? job.parent.id : undefined)
  return {
    /** Whether the job, or its parent, was cancelled before this attempt started. */
    async requested(job: Job): Promise<boolean> {
      const parent = parentOf(job)
      if (await queues.isCancelRequested(queue, String(job.id))) return true
      return parent !== undefined && (await queues.isCancelRequested(queue, parent))
    },
    track(job: Job): () => void {
      const id = String(job.id)
      running.set(id, parentOf(job))
      return () => running.delete(id)
    },
    /** The job a request names and the running children of it. */
    reached(cancelled: string): string[] {
      return [cancelled, ...[...running].filter(([, parent]) => parent === cancelled).map(([id]) => id)]
    },
  }
}
