import type { Queue } from 'bullmq'
import type { JobStatus } from '../status.js'
import { ownedStatus } from './job-read.js'
import type { TenantIndex } from './tenant-index.js'
import type { JobPage, ListJobsQuery } from './types.js'

/**
 * The tenant's jobs in `queue`, newest first, filtered and paginated by offset. Read from the
 * tenant's own index (its course's or module's when filtered by them), so other tenants' jobs
 * cost nothing; a state filter is checked job by job within that index.
 */
export async function listJobs(index: TenantIndex, queue: Queue, query: ListJobsQuery): Promise<JobPage> {
  const limit = Math.max(1, Math.min(query.limit ?? 20, 100))
  const offset = Math.max(0, query.offset ?? 0)
  // One more than the page tells whether there is a next one.
  const found = await index.read(queue, query, offset, limit + 1)
  const items: JobStatus[] = []
  for (const { id, snapshot } of found.slice(0, limit)) {
    const status = ownedStatus(query.queue, id, snapshot, query.tenant)
    if (status) items.push(status)
  }
  return { items, next_offset: found.length > limit ? offset + limit : null }
}
