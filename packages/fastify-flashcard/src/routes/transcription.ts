import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { JobStatus, TranscriptionBody } from '@flashcards/queue-core'
import { ENQUEUED_EXAMPLE, EnqueuedJobSchema, JOB_STATUS_EXAMPLE, JobIdParams } from '../api-schemas.js'
import { ownerOf, principalOf, type RouteContext } from '../context.js'
import { dataEnvelope, responses } from '../envelope.js'
import { JobNotFoundError } from '../errors.js'

const TAG = 'transcription'
const security = [{ bearerAuth: [] }]

/** Transcription jobs: a module's files (documents, subtitles, audio, video) turned into text. */
export async function transcriptionRoutes(fastify: FastifyInstance, ctx: RouteContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { queues } = ctx

  app.post(
    '/transcription/jobs',
    {
      onRequest: ctx.authenticate,
      schema: {
        tags: [TAG],
        summary: 'Enqueue a transcription job',
        description:
          "Transcribes a module's files. With ENQUEUE_MODULE_JOB_ON_COMPLETE=true on the workers, the module's generation " +
          'is enqueued once every file is done.',
        security,
        body: TranscriptionBody,
        response: responses(
          {
            202: dataEnvelope(
              EnqueuedJobSchema,
              { ...ENQUEUED_EXAMPLE, queue: 'transcription', kind: 'transcription' },
              'Accepted: the job to follow',
            ),
          },
          [413, 415, 429, 503],
        ),
      },
    },
    async (request, reply) => {
      const job = await queues.enqueueTranscription(request.body, ownerOf(request))
      return reply.code(202).send({ success: true, data: job })
    },
  )

  app.get(
    '/transcription/jobs/:jobId',
    {
      onRequest: ctx.authenticate,
      schema: {
        tags: [TAG],
        summary: 'Read a transcription job',
        description: 'State, progress and, when completed, where the transcript was stored and its size.',
        security,
        params: JobIdParams,
        response: responses(
          { 200: dataEnvelope(JobStatus, { ...JOB_STATUS_EXAMPLE, queue: 'transcription', name: 'transcribe-module' }) },
          [404, 503],
        ),
      },
    },
    async (request) => {
      const { jobId } = request.params
      const status = await queues.getJob('transcription', jobId, principalOf(request).tenant)
      if (!status) throw new JobNotFoundError(jobId)
      return { success: true as const, data: status }
    },
  )
}
