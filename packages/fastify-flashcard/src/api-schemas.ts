import Type from 'typebox'
import { Card, CourseResult, JobId, JobLogDocumentSchema, JobStateName, JobStatus, ModuleResult, QUEUE_NAMES, TranscriptionResult } from '@flashcards/queue-core'
import { closedComponent, component, ref } from './components.js'
import { envelopeOf } from './envelope.js'

/** Where a page of a list ends: the `offset` of the next page, null on the last. */
export const NextOffset = Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'Offset of the next page; null on the last.' })

/*
 * HTTP-only shapes around queue-core's schemas (which stay the single definition of the job
 * bodies and statuses), with the examples the OpenAPI document shows.
 */

export const JobIdParams = Type.Object({ jobId: JobId }, { additionalProperties: false })

const QueueNameSchema = Type.Union(QUEUE_NAMES.map((name) => Type.Literal(name)))

export const EnqueuedJobSchema = closedComponent('EnqueuedJob', {
  job_id: Type.String(),
  queue: QueueNameSchema,
  kind: Type.Union([Type.Literal('module'), Type.Literal('course'), Type.Literal('transcription')]),
  course_id: Type.String(),
  module_id: Type.Union([Type.String(), Type.Null()]),
  deduplicated: Type.Boolean({ description: 'True when an identical job was already queued and its id is returned.' }),
})
export const EnqueuedJobEnvelope = envelopeOf(EnqueuedJobSchema)

/** The one job every example of the document speaks of. */
const EXAMPLE_JOB_ID = '3f0c2a9e-7b1d-4c55-9a0e-2f5b8c1d9e47'
const EXAMPLE_MODULE = { course_id: 'course-hr-2025', module_id: 'mod-hr-101' }

export const ENQUEUED_EXAMPLE = {
  job_id: EXAMPLE_JOB_ID,
  queue: 'orchestrator',
  kind: 'module',
  ...EXAMPLE_MODULE,
  deduplicated: false,
}

export const GenerateBatchResult = closedComponent('EnqueuedJobs', { jobs: Type.Array(ref(EnqueuedJobSchema), { description: 'One job per module (or one course job).' }) })
export const EnqueuedJobsEnvelope = envelopeOf(GenerateBatchResult)

export const CardSchema = component('Card', Card)

/** A module job's result, its cards referring to the card schema (what a generated client reads). */
export const ModuleResultSchema = component('ModuleResult', Type.Object({ ...ModuleResult.properties, cards: Type.Array(ref(CardSchema)) }, { additionalProperties: true }))
export const CourseResultSchema = component('CourseResult', CourseResult)
export const TranscriptionResultSchema = component('TranscriptionResult', TranscriptionResult)

/** A job status whose `result` is the queue's own result type (null until completed). */
function jobSchema(name: string, result: ReturnType<typeof ref>[], description: string) {
  return closedComponent(name, { ...JobStatus.properties, result: Type.Union([...result, Type.Null()], { description }) })
}

export const GenerationJobSchema = jobSchema(
  'GenerationJob',
  [ref(ModuleResultSchema), ref(CourseResultSchema)],
  'When completed: the cards of a module job (`ModuleResult`), or the module jobs a course job enqueued (`CourseResult`); else null.',
)
export const GenerationJobEnvelope = envelopeOf(GenerationJobSchema)
export const TranscriptionJobSchema = jobSchema(
  'TranscriptionJob',
  [ref(TranscriptionResultSchema)],
  'When completed: where each transcript was stored and, with ENQUEUE_MODULE_JOB_ON_COMPLETE, the generation job; else null.',
)
export const TranscriptionJobEnvelope = envelopeOf(TranscriptionJobSchema)

export const JOB_STATUS_EXAMPLE = {
  id: EXAMPLE_JOB_ID,
  queue: 'orchestrator',
  name: 'generate-module',
  state: 'active',
  progress: { percent: 40, step: 'stageB', message: 'Generating cards for chunk 2 of 5' },
  attempts_made: 0,
  attempts_max: 3,
  created_at: '2025-12-12T00:00:00.000Z',
  started_at: '2025-12-12T00:00:01.000Z',
  finished_at: null,
  ...EXAMPLE_MODULE,
  result: null,
  error: null,
}

export const ListJobsQuery = Type.Object(
  {
    state: Type.Optional(JobStateName),
    module_id: Type.Optional(Type.String({ maxLength: 128 })),
    course_id: Type.Optional(Type.String({ maxLength: 128 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Page size.' })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 0, description: '`next_offset` of the previous page.' })),
  },
  { additionalProperties: false },
)

export const JobPageSchema = closedComponent('GenerationJobPage', {
  items: Type.Array(ref(GenerationJobSchema)),
  next_offset: NextOffset,
})
export const JobPageEnvelope = envelopeOf(JobPageSchema)

export const CancelResult = closedComponent('CancelResult', {
  job_id: Type.String(),
  outcome: Type.Union([Type.Literal('removed'), Type.Literal('cancel_requested')], {
    description: '`removed`: the job had not started (or had finished) and is gone. `cancel_requested`: it is running and its worker aborts it.',
  }),
})
export const CancelResultEnvelope = envelopeOf(CancelResult)

/** `?link=1` (as the README and runbook write it); `true`, `0` and `false` are understood too. */
const LINK_VALUES = ['1', 'true', '0', 'false'] as const

export const LogsQuery = Type.Object(
  {
    link: Type.Optional(
      Type.Enum(LINK_VALUES, {
        description: '`1` (or `true`): a time-limited download link instead of the document (S3 log store only). `0` (or `false`, the default): the document.',
        examples: ['1'],
      }),
    ),
  },
  { additionalProperties: false },
)

/** Whether `?link=` asks for a link. */
export const wantsLink = (link: (typeof LINK_VALUES)[number] | undefined): boolean => link === '1' || link === 'true'

const JobLogSchema = component('JobLog', JobLogDocumentSchema)
const LogLink = closedComponent('JobLogLink', { url: Type.String(), expires_in: Type.Integer({ description: 'Seconds the link stays valid.' }) })

export const LogOrLink = component('JobLogOrLink', Type.Union([ref(JobLogSchema), ref(LogLink)]))
export const LogOrLinkEnvelope = envelopeOf(LogOrLink)

export const JOB_LOG_EXAMPLE = {
  jobId: '3f0c2a9e-7b1d-4c55-9a0e-2f5b8c1d9e47',
  queue: 'orchestrator',
  module_id: 'mod-hr-101',
  course_id: 'course-hr-2025',
  tenant: 'tenant-a',
  attempt: 1,
  startedAt: '2025-12-12T00:00:00.000Z',
  completedAt: '2025-12-12T00:01:30.000Z',
  status: 'completed',
  entries: [{ timestamp: '2025-12-12T00:00:00.000Z', level: 'info', step: 'job_start', message: 'Job started for module mod-hr-101', attempt: 1 }],
  rawOutputs: {},
  result: null,
  error: null,
}

export const HealthData = Type.Object(
  {
    jobs_in_queue: Type.Integer({ description: 'Waiting and delayed jobs, both queues.' }),
    jobs_processing: Type.Integer({ description: 'Active jobs, both queues.' }),
    last_successful_run: Type.Union([Type.String(), Type.Null()], { description: 'When a worker last completed a job.' }),
    uptime: Type.Integer({ description: 'Seconds this API process has been up.' }),
    workers: Type.Object({ orchestrator: Type.Integer(), transcription: Type.Integer() }, { description: 'Workers with a fresh heartbeat, per queue.' }),
  },
  { additionalProperties: false },
)

export const HEALTH_EXAMPLE = {
  jobs_in_queue: 5,
  jobs_processing: 2,
  last_successful_run: '2025-12-12T00:00:00.000Z',
  uptime: 86400,
  workers: { orchestrator: 2, transcription: 1 },
}

export const HealthyBody = Type.Object(
  {
    success: Type.Literal(true),
    status: Type.Union([Type.Literal('healthy'), Type.Literal('degraded')], {
      description: '`degraded`: jobs can be read and run, but Redis refuses writes (out of memory): enqueueing answers 503.',
    }),
    reason: Type.Optional(Type.String({ description: 'Why the system is degraded.' })),
    data: HealthData,
  },
  {
    additionalProperties: false,
    examples: [
      { success: true, status: 'healthy', data: HEALTH_EXAMPLE },
      {
        success: true,
        status: 'degraded',
        reason: 'Redis is out of memory (512.0 MB used of maxmemory 512.0 MB, policy noeviction): it refuses writes, so new jobs are refused with 503 until memory is freed',
        data: HEALTH_EXAMPLE,
      },
    ],
  },
)

export const UnhealthyBody = Type.Object(
  {
    success: Type.Literal(false),
    status: Type.Literal('unhealthy'),
    reason: Type.String({ description: 'Why: Redis unreachable, Redis came back without its data, or no worker heartbeat.' }),
    error: Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false }),
    data: Type.Union([HealthData, Type.Null()], { description: 'The counts when Redis answered, else null.' }),
  },
  {
    additionalProperties: false,
    examples: [
      {
        success: false,
        status: 'unhealthy',
        reason: 'no worker has sent a heartbeat in the last 20 s',
        error: { code: 'UNAVAILABLE', message: 'no worker has sent a heartbeat in the last 20 s' },
        data: { ...HEALTH_EXAMPLE, workers: { orchestrator: 0, transcription: 0 } },
      },
    ],
  },
)
