import type { FastifyInstance, FastifyReply } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { QUEUE_NAMES } from '@flashcards/queue-core'
import { HealthyBody, UnhealthyBody } from '../api-schemas.js'
import type { RouteContext } from '../context.js'
import { responses } from '../envelope.js'
import { isEnvelopeError, MetricsUnavailableError } from '../errors.js'

const TAG = 'operations'
const startedAt = Date.now()

const METRICS_EXAMPLE = [
  '# HELP flashcard_jobs_enqueued_total Total number of jobs enqueued',
  '# TYPE flashcard_jobs_enqueued_total counter',
  'flashcard_jobs_enqueued_total{type="orchestrator"} 150',
  'flashcard_jobs_enqueued_total{type="transcription"} 45',
].join('\n')

async function unhealthy(reply: FastifyReply, reason: string, data: unknown) {
  return reply.code(503).send({
    success: false,
    status: 'unhealthy',
    reason,
    error: { code: 'UNAVAILABLE', message: reason },
    data,
  })
}

/** Health for load balancers and Prometheus metrics: the runbook's monitoring endpoints. */
export async function operationsRoutes(fastify: FastifyInstance, ctx: RouteContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { queues, options, registry } = ctx

  app.get(
    '/orchestrator/health',
    {
      ...(options.publicHealth ? {} : { onRequest: ctx.authenticate }),
      schema: {
        tags: [TAG],
        summary: 'Health of the job system',
        description:
          'Queue counts, the last successful run and uptime. 503 with `status: "unhealthy"` and the reason when Redis is ' +
          'unreachable or no worker has a fresh heartbeat.',
        ...(options.publicHealth ? { security: [] } : { security: [{ bearerAuth: [] }] }),
        response: { ...responses({}, [], !options.publicHealth), 200: HealthyBody, 503: UnhealthyBody },
      },
    },
    async (_request, reply) => {
      let counts: Record<string, number>[]
      let stats
      let workers
      try {
        ;[counts, stats, workers] = await Promise.all([
          Promise.all(QUEUE_NAMES.map((queue) => queues.counts(queue))),
          Promise.all(QUEUE_NAMES.map((queue) => queues.readStats(queue))),
          queues.aliveWorkers(),
        ])
      } catch (err) {
        const reason = isEnvelopeError(err) ? err.message : 'Redis is unreachable'
        return unhealthy(reply, reason, null)
      }
      const sum = (states: string[]) => counts.reduce((total, c) => total + states.reduce((n, s) => n + (c[s] ?? 0), 0), 0)
      const lastSuccess = Math.max(0, ...stats.map((s) => s.lastSuccessAt ?? 0))
      const perQueue = { orchestrator: 0, transcription: 0 }
      for (const worker of workers) perQueue[worker.queue] += 1
      const data = {
        jobs_in_queue: sum(['waiting', 'prioritized', 'delayed']),
        jobs_processing: sum(['active']),
        last_successful_run: lastSuccess > 0 ? new Date(lastSuccess).toISOString() : null,
        uptime: Math.floor((Date.now() - startedAt) / 1000),
        workers: perQueue,
      }
      if (workers.length === 0) return unhealthy(reply, 'no worker has sent a heartbeat in the last 20 s', data)
      return { success: true as const, status: 'healthy' as const, data }
    },
  )

  if (!registry) return
  app.get(
    '/orchestrator/metrics',
    {
      ...(options.publicMetrics ? {} : { onRequest: ctx.authenticate }),
      schema: {
        tags: [TAG],
        summary: 'Prometheus metrics',
        description:
          'Prometheus text format: the runbook’s job metrics (read from Redis, so they count jobs every worker process ran), ' +
          'queue depth per state, LLM usage, worker heartbeats and HTTP route metrics.',
        ...(options.publicMetrics ? { security: [] } : { security: [{ bearerAuth: [] }] }),
        response: {
          ...responses({}, [503], !options.publicMetrics),
          200: {
            description: 'Prometheus exposition format',
            content: { 'text/plain': { schema: Type.String({ examples: [METRICS_EXAMPLE] }) } },
          } as never,
        },
      },
    },
    async (_request, reply) => {
      let text: string
      try {
        text = await registry.metrics()
      } catch (err) {
        // The collectors read Redis: a lost connection is the same 503 as on every other route,
        // never a 500 with the driver's message.
        if (isEnvelopeError(err)) throw err
        throw new MetricsUnavailableError(err)
      }
      return reply.type(registry.contentType).send(text)
    },
  )
}
