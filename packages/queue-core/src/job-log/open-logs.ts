import type { JobLogDocument, JobLogStore } from './types.js'

interface OpenLog {
  writers: number
  /** The document last written for the job by a writer in this process, once one has written. */
  latest: JobLogDocument | undefined
}

/**
 * The latest document written for each job that has a writer open in this process, per store. A
 * writer merges its attempt into this instead of re-reading the stored log, so two writers of one
 * job in one process (a stalled attempt still running beside its re-run, concurrent attempts in a
 * test) never drop each other's entries. An entry lives only while a writer of its job is open.
 */
export class OpenJobLogs {
  private readonly jobs = new Map<string, OpenLog>()

  join(jobId: string): void {
    const open = this.jobs.get(jobId)
    if (open) open.writers++
    else this.jobs.set(jobId, { writers: 1, latest: undefined })
  }

  latest(jobId: string): JobLogDocument | undefined {
    return this.jobs.get(jobId)?.latest
  }

  record(doc: JobLogDocument): void {
    const open = this.jobs.get(doc.jobId)
    if (open) open.latest = doc
  }

  leave(jobId: string): void {
    const open = this.jobs.get(jobId)
    if (open && --open.writers === 0) this.jobs.delete(jobId)
  }

  /** Jobs with a writer open (0 when idle: nothing is retained per finished job). */
  get size(): number {
    return this.jobs.size
  }
}

const registries = new WeakMap<JobLogStore, OpenJobLogs>()

/** The open logs of one store object, shared by every writer of that store in this process. */
export function openLogsOf(store: JobLogStore): OpenJobLogs {
  let open = registries.get(store)
  if (!open) registries.set(store, (open = new OpenJobLogs()))
  return open
}
