import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import type { JobStatus, QueueName } from '@flashcards/queue-core'
import { JobIdParams } from '../api-schemas.js'
import { principalOf, type RouteContext } from '../context.js'
import { responses } from '../envelope.js'
import type { JobEvent } from '../job-events.js'
import { notFound } from './generation.js'

const TERMINAL = new Set(['completed', 'failed'])

const SSE_EXAMPLE = [
  'event: state',
  'data: {"id":"3f0c2a9e-…","state":"active","progress":{"percent":40},…}',
  '',
  'event: progress',
  'data: {"job_id":"3f0c2a9e-…","progress":{"percent":60,"step":"stage_b"}}',
  '',
  'event: completed',
  'data: {"id":"3f0c2a9e-…","state":"completed","result":{"cards":[…]},…}',
  '',
].join('\n')

/**
 * Server-sent events for one job: `state` (the current status, first), then `progress`,
 * and `completed`, `failed` or `removed`, after which the stream ends.
 */
export async function jobEventRoutes(fastify: FastifyInstance, ctx: RouteContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { queues, hub } = ctx
  const open = new Set<() => void>()

  // Streams never end on their own while a job runs: end them before the server waits for idle sockets.
  fastify.addHook('preClose', async () => {
    for (const end of [...open]) end()
  })

  const route = (queue: QueueName, path: string, tag: string) =>
    app.get(
      path,
      {
        onRequest: ctx.authenticate,
        schema: {
          tags: [tag],
          summary: 'Follow a job live (server-sent events)',
          description:
            'A `text/event-stream`: `state` first (the job status), then `progress` events, and finally `completed`, ' +
            '`failed` or `removed` with the final status, after which the server ends the stream. A comment line is sent ' +
            'periodically to keep proxies from closing an idle stream.',
          security: [{ bearerAuth: [] }],
          params: JobIdParams,
          response: responses(
            {
              200: {
                description: 'The event stream',
                content: { 'text/event-stream': { schema: Type.String({ examples: [SSE_EXAMPLE] }) } },
              } as never,
            },
            [404, 503],
          ),
        },
      },
      async (request, reply) => {
        const { jobId } = request.params
        const tenant = principalOf(request).tenant
        // Subscribe before reading the state: whatever happens after the read is then delivered.
        const pending: JobEvent[] = []
        let deliver: (event: JobEvent) => void = (event) => pending.push(event)
        const unsubscribe = await hub.subscribe(queue, jobId, (event) => deliver(event))
        let status: JobStatus | undefined
        try {
          status = await queues.getJob(queue, jobId, tenant)
        } catch (err) {
          unsubscribe()
          throw err
        }
        if (!status) {
          unsubscribe()
          throw notFound(jobId)
        }

        reply.hijack()
        const res = reply.raw
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        })
        let ended = false
        const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), ctx.options.eventsHeartbeatMs)
        const end = () => {
          if (ended) return
          ended = true
          clearInterval(heartbeat)
          unsubscribe()
          open.delete(end)
          res.end()
        }
        open.add(end)
        request.raw.on('close', end)
        const send = (event: string, data: unknown) => {
          if (!ended) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
        }
        const finish = async (event: 'completed' | 'failed' | 'removed', fallback: Record<string, unknown>) => {
          let final: JobStatus | Record<string, unknown> | undefined
          try {
            final = await queues.getJob(queue, jobId, tenant)
          } catch {
            final = undefined
          }
          send(event, final ?? { id: jobId, ...fallback })
          end()
        }

        send('state', status)
        if (TERMINAL.has(status.state)) return end()
        deliver = (event) => {
          if (ended) return
          switch (event.type) {
            case 'progress':
              send('progress', { job_id: jobId, progress: event.data })
              break
            case 'completed':
              void finish('completed', { state: 'completed' })
              break
            case 'failed':
              void finish('failed', { state: 'failed', error: event.reason })
              break
            case 'removed':
              send('removed', { id: jobId, state: 'removed' })
              end()
              break
          }
        }
        for (const event of pending.splice(0)) deliver(event)
      },
    )

  route('orchestrator', '/orchestrator/jobs/:jobId/events', 'generation')
  route('transcription', '/transcription/jobs/:jobId/events', 'transcription')
}
