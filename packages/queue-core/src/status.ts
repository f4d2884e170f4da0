import Type, { type Static } from 'typebox'
import { clientSafeText } from './server-paths.js'
import type { QueueName } from './queues.js'

export const JobStateName = Type.Union(
  [
    Type.Literal('waiting'),
    Type.Literal('delayed'),
    Type.Literal('active'),
    Type.Literal('waiting-children'),
    Type.Literal('completed'),
    Type.Literal('failed'),
    Type.Literal('unknown'),
  ],
  { description: '`waiting-children`: a course job waiting for its module jobs.' },
)
export type JobStateName = Static<typeof JobStateName>

/** What workers report through `job.updateProgress`. */
export const JobProgress = Type.Object(
  {
    percent: Type.Number({ minimum: 0, maximum: 100 }),
    step: Type.Optional(Type.String()),
    message: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
)
export type JobProgress = Static<typeof JobProgress>

const Timestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()])

export const JobStatus = Type.Object(
  {
    id: Type.String(),
    queue: Type.Union([Type.Literal('orchestrator'), Type.Literal('transcription')]),
    name: Type.String(),
    state: JobStateName,
    progress: JobProgress,
    attempts_made: Type.Integer({ minimum: 0 }),
    attempts_max: Type.Integer({ minimum: 1 }),
    created_at: Type.String({ format: 'date-time' }),
    started_at: Timestamp,
    finished_at: Timestamp,
    course_id: Type.String(),
    module_id: Type.Union([Type.String(), Type.Null()]),
    result: Type.Unknown({ description: 'The job result when completed (cards and stats for a module), else null.' }),
    error: Type.Union([Type.String(), Type.Null()], { description: 'Why the last attempt failed, if it did.' }),
  },
  { additionalProperties: false },
)
export type JobStatus = Static<typeof JobStatus>

const STATE_MAP: Record<string, JobStateName> = {
  waiting: 'waiting',
  prioritized: 'waiting',
  'waiting-children': 'waiting-children',
  delayed: 'delayed',
  active: 'active',
  completed: 'completed',
  failed: 'failed',
}

/** A BullMQ `JobState`, `unknown`, or any state a newer BullMQ may report (which becomes `unknown`). */
export function normaliseState(state: string): JobStateName {
  return STATE_MAP[state] ?? 'unknown'
}

function normaliseProgress(progress: unknown, state: JobStateName): JobProgress {
  if (typeof progress === 'number') return { percent: Math.max(0, Math.min(100, progress)) }
  if (progress && typeof progress === 'object' && typeof (progress as JobProgress).percent === 'number') {
    return progress as JobProgress
  }
  return { percent: state === 'completed' ? 100 : 0 }
}

const iso = (ms: number | undefined): string | null => (ms ? new Date(ms).toISOString() : null)

/** What toJobStatus reads of a job: a BullMQ Job has these fields, and so has a job hash read by the client's scripts. */
export interface JobFields {
  id?: string | undefined
  name: string
  data: unknown
  progress: unknown
  attemptsMade: number
  opts: { attempts?: number | undefined }
  timestamp: number
  processedOn?: number | undefined
  finishedOn?: number | undefined
  returnvalue: unknown
  failedReason?: string | undefined
}

/** The API's view of a BullMQ job: stable field names, ISO timestamps, no internals. */
export function toJobStatus(job: JobFields, queue: QueueName, state: JobStateName): JobStatus {
  const data = (job.data ?? {}) as { module_id?: string; course_id?: string }
  return {
    id: String(job.id),
    queue,
    name: job.name,
    state,
    progress: normaliseProgress(job.progress, state),
    attempts_made: job.attemptsMade,
    attempts_max: job.opts.attempts ?? 1,
    created_at: new Date(job.timestamp).toISOString(),
    started_at: iso(job.processedOn),
    finished_at: iso(job.finishedOn),
    course_id: data.course_id ?? '',
    module_id: data.module_id ?? null,
    result: state === 'completed' ? (job.returnvalue ?? null) : null,
    // A provider's error may echo a key, a file error the server's layout: neither is served.
    error: job.failedReason ? clientSafeText(job.failedReason) : null,
  }
}
