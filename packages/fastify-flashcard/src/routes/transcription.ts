import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { TranscriptionBody } from '@flashcards/queue-core'
import { ENQUEUED_EXAMPLE, EnqueuedJobEnvelope, JOB_STATUS_EXAMPLE, TranscriptionJobEnvelope } from '../api-schemas.js'
import { ownerOf, type RouteContext } from '../context.js'
import { dataEnvelope, responses } from '../envelope.js'
import type { JobRouteDocs } from './jobs.js'

const TAG = 'transcription'

/** Reading and following a transcription job (routes/jobs.ts). */
export const TRANSCRIPTION_JOB_DOCS: JobRouteDocs = {
  tag: TAG,
  noun: 'transcription',
  summary: 'Read a transcription job',
  description: 'State, progress and, when completed, where the transcript was stored and its size.',
  envelope: TranscriptionJobEnvelope,
  example: { ...JOB_STATUS_EXAMPLE, queue: 'transcription', name: 'transcribe-module' },
}

/** Transcription jobs: a module's files (documents, subtitles, audio, video) turned into text. */
export async function transcriptionRoutes(fastify: FastifyInstance, ctx: RouteContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const schema = {
    operationId: 'enqueueTranscription',
    tags: [TAG],
    summary: 'Enqueue a transcription job',
    description: "Transcribes a module's files. With ENQUEUE_MODULE_JOB_ON_COMPLETE=true on the workers, the module's generation " + 'is enqueued once every file is done.',
    body: TranscriptionBody,
    response: responses(
      { 202: dataEnvelope(EnqueuedJobEnvelope, { ...ENQUEUED_EXAMPLE, queue: 'transcription', kind: 'transcription' }, 'Accepted: the job to follow') },
      [413, 415, 429, 503],
    ),
  }
  app.post('/transcription/jobs', { schema }, async (request, reply) => {
    const job = await ctx.queues.enqueueTranscription(request.body, ownerOf(request))
    return reply.code(202).send({ success: true, data: job })
  })
}
