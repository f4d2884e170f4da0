import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { JOB_LOG_EXAMPLE, JobIdParams, LogOrLinkEnvelope, LogsQuery, wantsLink } from '../api-schemas.js'
import { principalOf, type RouteContext } from '../context.js'
import { dataEnvelope, responses } from '../envelope.js'
import { JobNotFoundError, LogLinksUnsupportedError, LogsNotConfiguredError } from '../errors.js'
import { ok } from './operation.js'

/** How long a presigned log link stays valid. */
export const LOG_LINK_SECONDS = 900

/** The per-job log the workers write (LOG_STORE), served to the tenant that owns the job. */
export async function jobLogRoutes(fastify: FastifyInstance, ctx: RouteContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.get(
    '/orchestrator/jobs/:jobId/logs',
    {
      schema: {
        operationId: 'getGenerationJobLog',
        tags: ['generation'],
        summary: "Read a job's log",
        description:
          'The JSON log of a job (steps, raw stage outputs, result), as the runbook describes. With `?link=1` and the S3 ' +
          `log store, a presigned download link valid for ${LOG_LINK_SECONDS} s instead. 501 when this server has no log store.`,
        params: JobIdParams,
        querystring: LogsQuery,
        response: responses(
          {
            200: dataEnvelope(LogOrLinkEnvelope, JOB_LOG_EXAMPLE, 'The log document, or `{ url, expires_in }` with `?link=1`'),
          },
          [404, 501, 503],
        ),
      },
    },
    async (request) => {
      const { jobId } = request.params
      const store = ctx.options.logStore
      if (!store) throw new LogsNotConfiguredError()
      const doc = await store.read(jobId)
      // Another tenant's log is indistinguishable from a missing one.
      if (!doc || doc.tenant !== principalOf(request).tenant) throw new JobNotFoundError(jobId)
      if (!wantsLink(request.query.link)) return ok(doc)
      if (!store.link) throw new LogLinksUnsupportedError(store.kind)
      const url = await store.link(jobId, LOG_LINK_SECONDS)
      if (!url) throw new JobNotFoundError(jobId)
      return ok({ url, expires_in: LOG_LINK_SECONDS })
    },
  )
}
