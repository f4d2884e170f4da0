import type { Job, JobType, Queue } from 'bullmq'
import type { Owner } from '../schemas.js'
import { toJobStatus, type JobStateName, type JobStatus } from '../status.js'
import type { JobPage, ListJobsQuery } from './types.js'

const BULL_TYPES_BY_STATE: Record<JobStateName, JobType[]> = {
  waiting: ['waiting', 'prioritized'],
  delayed: ['delayed'],
  active: ['active'],
  'waiting-children': ['waiting-children'],
  completed: ['completed'],
  failed: ['failed'],
  unknown: [],
}
const LISTED_STATES: JobStateName[] = ['active', 'waiting', 'waiting-children', 'delayed', 'failed', 'completed']
/** Jobs scanned per state when listing; retention keeps far fewer than this in practice. */
const LIST_SCAN_LIMIT = 5_000

/** The tenant's jobs in `queue`, newest first, filtered and paginated by offset. */
export async function listJobs(queue: Queue, query: ListJobsQuery): Promise<JobPage> {
  const limit = Math.max(1, Math.min(query.limit ?? 20, 100))
  const offset = Math.max(0, query.offset ?? 0)
  const states = query.state ? [query.state] : LISTED_STATES
  const matches: JobStatus[] = []
  for (const state of states) {
    const types = BULL_TYPES_BY_STATE[state]
    if (types.length === 0) continue
    const jobs = await queue.getJobs(types, 0, LIST_SCAN_LIMIT - 1, false)
    for (const job of jobs) {
      if (job && matchesQuery(job, query)) matches.push(toJobStatus(job, query.queue, state))
    }
  }
  matches.sort(newestFirst)
  const items = matches.slice(offset, offset + limit)
  return { items, next_offset: offset + limit < matches.length ? offset + limit : null }
}

function matchesQuery(job: Job, query: ListJobsQuery): boolean {
  const data = job.data as { owner?: Owner; module_id?: string; course_id?: string }
  if (data.owner?.tenant !== query.tenant) return false
  if (query.module_id !== undefined && data.module_id !== query.module_id) return false
  return query.course_id === undefined || data.course_id === query.course_id
}

function newestFirst(a: JobStatus, b: JobStatus): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1
  return a.id < b.id ? 1 : -1
}
