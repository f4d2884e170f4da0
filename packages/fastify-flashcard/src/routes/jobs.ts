import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import type { QueueName } from '@flashcards/queue-core'
import { CancelResultEnvelope, ENQUEUED_EXAMPLE, GenerationJobEnvelope, JOB_STATUS_EXAMPLE, JobIdParams, TranscriptionJobEnvelope } from '../api-schemas.js'
import { principalOf, type RouteContext, type TypedApp } from '../context.js'
import { responses } from '../envelope.js'
import { JobNotFoundError } from '../errors.js'
import { servableJob } from '../job-results.js'
import { ok, okResponses } from './operation.js'

/** How one queue's read route is documented. */
interface JobRouteDocs {
  /** What the queue's jobs are called in summaries (`Cancel a <noun> job`), and the routes' tag. */
  noun: string
  description: string
  /** The named envelope of the queue's job (its `result` typed for that queue); both queues' envelopes share this TypeBox type. */
  envelope: typeof GenerationJobEnvelope
  example: unknown
}

/** Each queue's jobs as the read route documents them. */
const JOB_DOCS: Record<QueueName, JobRouteDocs> = {
  orchestrator: {
    noun: 'generation',
    description: 'State, progress, attempts, timings, and the result (cards) or the error.',
    envelope: GenerationJobEnvelope,
    example: JOB_STATUS_EXAMPLE,
  },
  transcription: {
    noun: 'transcription',
    description: 'State, progress and, when completed, where the transcript was stored and its size.',
    envelope: TranscriptionJobEnvelope,
    example: { ...JOB_STATUS_EXAMPLE, queue: 'transcription', name: 'transcribe-module' },
  },
}

/** `GenerationJob` from the noun `generation`: the stem of the routes' operationIds. */
const operationStem = (docs: JobRouteDocs) => `${docs.noun[0]!.toUpperCase()}${docs.noun.slice(1)}Job`

const SSE_EXAMPLE = [
  'event: state',
  'data: {"id":"3f0c2a9e-…","state":"active","progress":{"percent":40},…}',
  '',
  'event: progress',
  'data: {"job_id":"3f0c2a9e-…","progress":{"percent":60,"step":"stageB"}}',
  '',
  'event: completed',
  'data: {"id":"3f0c2a9e-…","state":"completed","result":{"cards":[…]},…}',
  '',
].join('\n')

/** The event stream's schema (a fresh object per route: Fastify compiles each route's own). */
const eventsSchema = (docs: JobRouteDocs) => ({
  operationId: `follow${operationStem(docs)}Events`,
  tags: [docs.noun],
  summary: 'Follow a job live (server-sent events)',
  description:
    'A `text/event-stream`: `state` first (the job status), then `progress` events, and finally `completed`, ' +
    '`failed` or `removed` with the final status, after which the server ends the stream. A comment line is sent ' +
    'periodically to keep proxies from closing an idle stream. A stream without job events for a while, or open ' +
    'for long, ends with a `timeout` event: reconnect to go on. Too many open streams: 429 for one tenant, 503 for ' +
    'the server, both with Retry-After.',
  params: JobIdParams,
  response: responses(
    {
      200: {
        description: 'The event stream',
        content: { 'text/event-stream': { schema: Type.String({ examples: [SSE_EXAMPLE] }) } },
      },
    },
    [404, 429, 503],
  ),
})

/**
 * Cancels one of the caller's jobs: a job not yet running is removed (a module's transcription
 * with its file jobs); a running one is aborted by the worker running it, and so are the running
 * file jobs of a transcription, and it then fails as cancelled.
 */
function cancelRoute(app: TypedApp, ctx: RouteContext, queue: QueueName, docs: JobRouteDocs): void {
  const schema = {
    operationId: `cancel${operationStem(docs)}`,
    tags: [docs.noun],
    summary: `Cancel a ${docs.noun} job`,
    description: 'Removes a job that has not started, or asks the worker running it to abort it (it then fails as cancelled).',
    params: JobIdParams,
    response: okResponses(CancelResultEnvelope, { job_id: ENQUEUED_EXAMPLE.job_id, outcome: 'cancel_requested' }, [404, 503]),
  }
  app.delete(`/${queue}/jobs/:jobId`, { schema }, async (request) => {
    const { jobId } = request.params
    const outcome = await ctx.queues.cancel(queue, jobId, principalOf(request).tenant)
    if (!outcome) throw new JobNotFoundError(jobId)
    return ok({ job_id: jobId, outcome })
  })
}

/**
 * What the jobs of every queue offer, generation and transcription alike: read one of the
 * caller's jobs, follow it live, cancel it. Another tenant's job is indistinguishable from a missing one.
 */
export function jobRoutes(queue: QueueName) {
  const docs = JOB_DOCS[queue]
  return async function routes(fastify: FastifyInstance, ctx: RouteContext): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
    app.get(
      `/${queue}/jobs/:jobId`,
      {
        schema: {
          operationId: `get${operationStem(docs)}`,
          tags: [docs.noun],
          summary: `Read a ${docs.noun} job`,
          description: docs.description,
          params: JobIdParams,
          response: okResponses(docs.envelope, docs.example, [404, 503]),
        },
      },
      async (request) => {
        const { jobId } = request.params
        const status = await ctx.queues.getJob(queue, jobId, principalOf(request).tenant)
        if (!status) throw new JobNotFoundError(jobId)
        return ok(servableJob(status))
      },
    )
    app.get(`/${queue}/jobs/:jobId/events`, { schema: eventsSchema(docs) }, async (request, reply) =>
      ctx.streams.follow(queue, request.params.jobId, principalOf(request).tenant, request, reply),
    )
    cancelRoute(app, ctx, queue, docs)
  }
}
