import type { Queue } from 'bullmq'
import type { QueueName } from '../queues.js'
import type { RedisConnection } from '../redis.js'
import type { Owner } from '../schemas.js'
import { normaliseState, toJobStatus, type JobFields, type JobStatus } from '../status.js'
import { isJobId } from './owned-job.js'
import { readJobSnapshot, type JobSnapshot } from './scripts.js'

const int = (value: string | undefined): number | undefined => (value ? Number.parseInt(value, 10) : undefined)

function parsed(value: string | undefined, fallback: unknown): unknown {
  if (value === undefined) return fallback
  try {
    return JSON.parse(value)
  } catch {
    // BullMQ stores a return value that is not JSON as it is.
    return value
  }
}

/** A job hash as stored by BullMQ (strings, some fields abbreviated), decoded to what toJobStatus reads. */
export function decodeJobHash(id: string, fields: Record<string, string>): JobFields {
  return {
    id,
    name: fields.name ?? '',
    data: parsed(fields.data, {}),
    progress: parsed(fields.progress, 0),
    attemptsMade: int(fields.attemptsMade ?? fields.atm) ?? 0,
    opts: parsed(fields.opts, {}) as JobFields['opts'],
    timestamp: int(fields.timestamp) ?? 0,
    processedOn: int(fields.processedOn),
    finishedOn: int(fields.finishedOn),
    returnvalue: parsed(fields.returnvalue, null),
    failedReason: fields.failedReason,
  }
}

/** The status of a snapshot when `tenant` owns the job, else undefined: another tenant's job does not exist for them. */
export function ownedStatus(queue: QueueName, id: string, snapshot: JobSnapshot, tenant: string): JobStatus | undefined {
  const job = decodeJobHash(id, snapshot.fields)
  if ((job.data as { owner?: Owner } | null)?.owner?.tenant !== tenant) return undefined
  return toJobStatus(job, queue, normaliseState(snapshot.state))
}

/**
 * A job's status from one atomic read of its hash and state (never "completed" read before the
 * result was written), if the job exists and `tenant` owns it.
 */
export async function readOwnedStatus(connection: RedisConnection, queue: Queue, name: QueueName, jobId: string, tenant: string): Promise<JobStatus | undefined> {
  if (!isJobId(jobId)) return undefined
  const snapshot = await readJobSnapshot(connection, queue, jobId)
  return snapshot && ownedStatus(name, jobId, snapshot, tenant)
}
