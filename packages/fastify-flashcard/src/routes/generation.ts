import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { GenerateBatchBody, type FlashcardQueues } from '@flashcards/queue-core'
import { ENQUEUED_EXAMPLE, EnqueuedJobsEnvelope, GenerationJobEnvelope, JOB_STATUS_EXAMPLE, JobIdParams, JobPageEnvelope, ListJobsQuery } from '../api-schemas.js'
import { ownerOf, principalOf, type RouteContext, type TypedApp } from '../context.js'
import { dataEnvelope, responses } from '../envelope.js'
import { JobNotFoundError } from '../errors.js'
import { servableJob } from '../job-results.js'
import { ok, okResponses, operationTable } from './operation.js'

const OPERATIONS = operationTable('generation', {
  enqueueGeneration: {
    summary: 'Enqueue flashcard generation',
    description:
      'Enqueues generation for one module (`single_module`), several (`modules`) or a whole course (`course`). ' +
      'A request identical to one still waiting or running returns that job (`deduplicated: true`).',
  },
  listGenerationJobs: {
    summary: 'List generation jobs',
    description: "The caller's jobs, newest first, filtered by state, module or course; paginate with `offset` = `next_offset`.",
  },
  retryGenerationJob: {
    summary: 'Retry a generation job',
    description: 'Runs a failed (or completed) job again with a fresh set of attempts. 409 while it is still queued or running.',
  },
})

function enqueueRoute(app: TypedApp, queues: FlashcardQueues): void {
  const schema = {
    ...OPERATIONS.enqueueGeneration,
    body: GenerateBatchBody,
    response: responses({ 202: dataEnvelope(EnqueuedJobsEnvelope, { jobs: [ENQUEUED_EXAMPLE] }, 'Accepted: the jobs to follow') }, [413, 415, 429, 503]),
  }
  app.post('/orchestrator/generate-batch', { schema }, async (request, reply) => {
    const jobs = await queues.enqueueValidatedGeneration(request.body, ownerOf(request))
    return reply.code(202).send({ success: true, data: { jobs } })
  })
}

function listRoute(app: TypedApp, queues: FlashcardQueues): void {
  const schema = {
    ...OPERATIONS.listGenerationJobs,
    querystring: ListJobsQuery,
    response: okResponses(JobPageEnvelope, { items: [JOB_STATUS_EXAMPLE], next_offset: null }, [503]),
  }
  app.get('/orchestrator/jobs', { schema }, async (request) => {
    const page = await queues.listJobs({ queue: 'orchestrator', tenant: principalOf(request).tenant, ...request.query })
    return ok({ ...page, items: page.items.map(servableJob) })
  })
}

function retryRoute(app: TypedApp, queues: FlashcardQueues): void {
  const schema = {
    ...OPERATIONS.retryGenerationJob,
    params: JobIdParams,
    response: okResponses(GenerationJobEnvelope, { ...JOB_STATUS_EXAMPLE, state: 'waiting' }, [404, 409, 503]),
  }
  app.post('/orchestrator/jobs/:jobId/retry', { schema }, async (request) => {
    const { jobId } = request.params
    const status = await queues.retry('orchestrator', jobId, principalOf(request).tenant)
    if (!status) throw new JobNotFoundError(jobId)
    return ok(status)
  })
}

/** Flashcard generation jobs: enqueue, list, retry (reading, following and cancelling one: jobRoutes). */
export async function generationRoutes(fastify: FastifyInstance, ctx: RouteContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  enqueueRoute(app, ctx.queues)
  listRoute(app, ctx.queues)
  retryRoute(app, ctx.queues)
}
