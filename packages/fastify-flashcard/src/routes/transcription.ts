import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { TranscriptionBody } from '@flashcards/queue-core'
import { ENQUEUED_EXAMPLE, EnqueuedJobEnvelope } from '../api-schemas.js'
import { ownerOf, type RouteContext } from '../context.js'
import { dataEnvelope, responses } from '../envelope.js'
import { operationTable } from './operation.js'

const OPERATIONS = operationTable('transcription', {
  enqueueTranscription: {
    summary: 'Enqueue a transcription job',
    description: "Transcribes a module's files. With ENQUEUE_MODULE_JOB_ON_COMPLETE=true on the workers, the module's generation is enqueued once every file is done.",
  },
})

/** Transcription jobs: a module's files (documents, subtitles, audio, video) turned into text. */
export async function transcriptionRoutes(fastify: FastifyInstance, ctx: RouteContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const schema = {
    ...OPERATIONS.enqueueTranscription,
    body: TranscriptionBody,
    response: responses(
      { 202: dataEnvelope(EnqueuedJobEnvelope, { ...ENQUEUED_EXAMPLE, queue: 'transcription', kind: 'transcription' }, 'Accepted: the job to follow') },
      [413, 415, 429, 503],
    ),
  }
  app.post('/transcription/jobs', { schema }, async (request, reply) => {
    const job = await ctx.queues.enqueueValidatedTranscription(request.body, ownerOf(request))
    return reply.code(202).send({ success: true, data: job })
  })
}
