import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { JOB_LOG_EXAMPLE, JobIdParams, LogOrLink, LogsQuery } from '../api-schemas.js'
import { principalOf, type RouteContext } from '../context.js'
import { ApiError, dataEnvelope, responses } from '../envelope.js'
import { notFound } from './generation.js'

/** How long a presigned log link stays valid. */
export const LOG_LINK_SECONDS = 900

/** The per-job log the workers write (LOG_STORE), served to the tenant that owns the job. */
export async function jobLogRoutes(fastify: FastifyInstance, ctx: RouteContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.get(
    '/orchestrator/jobs/:jobId/logs',
    {
      onRequest: ctx.authenticate,
      schema: {
        tags: ['generation'],
        summary: "Read a job's log",
        description:
          'The JSON log of a job (steps, raw stage outputs, result), as the runbook describes. With `?link=1` and the S3 ' +
          `log store, a presigned download link valid for ${LOG_LINK_SECONDS} s instead. 501 when this server has no log store.`,
        security: [{ bearerAuth: [] }],
        params: JobIdParams,
        querystring: LogsQuery,
        response: responses(
          {
            200: dataEnvelope(LogOrLink, JOB_LOG_EXAMPLE, 'The log document, or `{ url, expires_in }` when `link` is set'),
          },
          [404, 501, 503],
        ),
      },
    },
    async (request) => {
      const { jobId } = request.params
      const store = ctx.options.logStore
      if (!store) throw new ApiError('NOT_IMPLEMENTED', 'Job logs are not configured on this server (no log store was given to the plugin)')
      const doc = await store.read(jobId)
      // Another tenant's log is indistinguishable from a missing one.
      if (!doc || doc.tenant !== principalOf(request).tenant) throw notFound(jobId)
      if (!request.query.link) return { success: true as const, data: doc }
      if (!store.link) {
        throw new ApiError(
          'NOT_IMPLEMENTED',
          `query.link: download links need the S3 log store (LOG_STORE=s3); this server keeps logs in the "${store.kind}" store, so read the document without link`,
        )
      }
      const url = await store.link(jobId, LOG_LINK_SECONDS)
      if (!url) throw notFound(jobId)
      return { success: true as const, data: { url, expires_in: LOG_LINK_SECONDS } }
    },
  )
}
