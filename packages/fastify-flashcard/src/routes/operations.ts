import type { FastifyInstance, FastifyReply } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Type, { type Static } from 'typebox'
import { QUEUE_NAMES, readSystemSnapshot, type DataLoss, type SystemSnapshot } from '@flashcards/queue-core'
import { HealthData, HealthyBody, UnhealthyBody } from '../api-schemas.js'
import type { RouteContext } from '../context.js'
import { errorEnvelopeOf, responses } from '../envelope.js'
import { isEnvelopeError, MetricsUnavailableError, UnhealthyError } from '../errors.js'
import { operationTable } from './operation.js'

const OPERATIONS = operationTable('operations', {
  getHealth: {
    summary: 'Health of the job system',
    description:
      'Queue counts, the last successful run and uptime. 503 with `status: "unhealthy"` and the reason when Redis is ' +
      'unreachable, when it came back without its data (its epoch key gone: until this API process restarts), or when ' +
      'no worker has a fresh heartbeat; 200 with `status: "degraded"` and the reason when Redis is out ' +
      'of memory (it refuses writes: enqueueing answers 503).',
  },
  getMetrics: {
    summary: 'Prometheus metrics',
    description:
      'Prometheus text format: the runbook’s job metrics (read from Redis, so they count jobs every worker process ran), ' +
      'queue depth per state, LLM usage, worker heartbeats and HTTP route metrics.',
  },
})
const startedAt = Date.now()

const METRICS_EXAMPLE = [
  '# HELP flashcard_jobs_enqueued_total Total number of jobs enqueued',
  '# TYPE flashcard_jobs_enqueued_total counter',
  'flashcard_jobs_enqueued_total{type="orchestrator"} 150',
  'flashcard_jobs_enqueued_total{type="transcription"} 45',
].join('\n')

/** The health report of a snapshot: jobs waiting and running in both queues, the last success, live workers. */
function healthData(snapshot: SystemSnapshot): Static<typeof HealthData> {
  const sum = (states: string[]) => QUEUE_NAMES.reduce((total, q) => total + states.reduce((n, s) => n + (snapshot.counts[q][s] ?? 0), 0), 0)
  const lastSuccess = Math.max(0, ...QUEUE_NAMES.map((q) => snapshot.stats[q].lastSuccessAt ?? 0))
  return {
    jobs_in_queue: sum(['waiting', 'prioritized', 'delayed']),
    jobs_processing: sum(['active']),
    last_successful_run: lastSuccess > 0 ? new Date(lastSuccess).toISOString() : null,
    uptime: Math.floor((Date.now() - startedAt) / 1000),
    workers: snapshot.workers,
  }
}

/** The 503: the failure envelope, with the runbook's `status` and `reason` and whatever counts were read. */
function unhealthy(reply: FastifyReply, reason: string, data: Static<typeof HealthData> | null) {
  return reply.code(503).send({ ...errorEnvelopeOf(new UnhealthyError(reason)), status: 'unhealthy', reason, data })
}

/** Health for load balancers: 503 when Redis is unreachable or lost its data, or no worker has a fresh heartbeat; degraded when it refuses writes. */
export async function healthRoute(fastify: FastifyInstance, ctx: RouteContext): Promise<void> {
  const { queues, options } = ctx
  const schema = {
    ...OPERATIONS.getHealth,
    response: { ...responses({}, [], !options.publicHealth), 200: HealthyBody, 503: UnhealthyBody },
  }
  fastify.withTypeProvider<TypeBoxTypeProvider>().get('/orchestrator/health', { schema }, async (_request, reply) => {
    let reading: [SystemSnapshot, string | undefined, DataLoss | undefined]
    try {
      reading = await Promise.all([readSystemSnapshot(queues), queues.writeRefusal(), queues.dataLoss()])
    } catch (err) {
      return unhealthy(reply, isEnvelopeError(err) ? err.message : 'Redis is unreachable', null)
    }
    const data = healthData(reading[0])
    const { status, reason } = verdict(data, reading[1], reading[2])
    if (status === 'unhealthy') return unhealthy(reply, reason!, data)
    return { success: true as const, status, ...(reason ? { reason } : {}), data }
  })
}

/**
 * Unhealthy when Redis lost its data or no worker beats; degraded (still 200: reads and running
 * jobs work, and another API instance would meet the same Redis) when Redis refuses writes.
 */
function verdict(
  data: Static<typeof HealthData>,
  writeRefusal: string | undefined,
  dataLoss: DataLoss | undefined,
): { status: 'healthy' | 'degraded' | 'unhealthy'; reason?: string } {
  if (dataLoss) return { status: 'unhealthy', reason: dataLoss.reason }
  if (data.workers.orchestrator + data.workers.transcription === 0) {
    // A Redis out of memory refuses heartbeats too: say so first.
    const noWorkers = 'no worker has sent a heartbeat in the last 20 s'
    return { status: 'unhealthy', reason: writeRefusal ? `${writeRefusal}; ${noWorkers} (heartbeats are writes too)` : noWorkers }
  }
  return writeRefusal ? { status: 'degraded', reason: writeRefusal } : { status: 'healthy' }
}

/** Prometheus metrics of the plugin's registry; no route with `metrics: false`. */
export async function metricsRoute(fastify: FastifyInstance, ctx: RouteContext): Promise<void> {
  const registry = ctx.registry
  if (!registry) return
  const schema = {
    ...OPERATIONS.getMetrics,
    response: {
      ...responses({}, [503], !ctx.options.publicMetrics),
      200: {
        description: 'Prometheus exposition format',
        content: { 'text/plain': { schema: Type.String({ examples: [METRICS_EXAMPLE] }) } },
      } as never,
    },
  }
  fastify.get('/orchestrator/metrics', { schema }, async (_request, reply) => {
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
  })
}
