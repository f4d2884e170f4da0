import type { Job, Queue } from 'bullmq'
import { JOB_ID_PATTERN, type Owner } from '../schemas.js'

const JOB_ID_REGEX = new RegExp(JOB_ID_PATTERN)

/** Whether `jobId` is one the API could have handed out; anything else is never looked up. */
export function isJobId(jobId: string): boolean {
  return JOB_ID_REGEX.test(jobId)
}

/** The raw BullMQ job, if it exists and `tenant` owns it; another tenant's job does not exist for them. */
export async function findOwnedJob(queue: Queue, jobId: string, tenant: string): Promise<Job | undefined> {
  if (!isJobId(jobId)) return undefined
  const job = await queue.getJob(jobId)
  if (!job || (job.data as { owner?: Owner } | undefined)?.owner?.tenant !== tenant) return undefined
  return job
}
