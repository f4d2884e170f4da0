import Type, { type Static } from 'typebox'
import type { JobLogDocument } from './types.js'

/*
 * The job log as a TypeBox schema: the stores check every document they read against it (a file
 * edited by hand or cut short is reported, not served), and the plugin can use it for the logs
 * route's OpenAPI response.
 */

export const JOB_LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const

export const JobLogEntrySchema = Type.Object(
  {
    timestamp: Type.String({ description: 'ISO 8601 time the entry was written.' }),
    level: Type.Union(JOB_LOG_LEVELS.map((level) => Type.Literal(level))),
    step: Type.String({ examples: ['job_start'] }),
    message: Type.String({ examples: ['Job started for module mod-hr-101'] }),
    attempt: Type.Integer({ minimum: 1, description: 'Attempt (1-based) that wrote the entry.' }),
    data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
)

export const JobLogDocumentSchema = Type.Object(
  {
    jobId: Type.String({ examples: ['5f0c6f7e-2a43-4a59-9a57-7d0d0f6f1c1e'] }),
    queue: Type.Union([Type.Literal('orchestrator'), Type.Literal('transcription')]),
    module_id: Type.Union([Type.String(), Type.Null()], { examples: ['mod-hr-101'] }),
    course_id: Type.Union([Type.String(), Type.Null()]),
    tenant: Type.String(),
    attempt: Type.Integer({ minimum: 1, description: 'Attempt (1-based) of the latest write.' }),
    startedAt: Type.String({ description: 'When the first attempt started (ISO 8601).' }),
    completedAt: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union([Type.Literal('running'), Type.Literal('completed'), Type.Literal('failed')]),
    entries: Type.Array(JobLogEntrySchema),
    rawOutputs: Type.Record(Type.String(), Type.Unknown(), { description: 'Raw stage outputs, e.g. stageA, stageB.' }),
    result: Type.Unknown(),
    error: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false, description: 'The per-job JSON log of the runbook, secrets redacted.' },
)

// Compile-time check that the schema and the hand-written interfaces in types.ts agree.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const schemaMatchesInterface: Same<Omit<Static<typeof JobLogDocumentSchema>, 'entries' | 'result'>, Omit<JobLogDocument, 'entries' | 'result'>> = true
void schemaMatchesInterface
