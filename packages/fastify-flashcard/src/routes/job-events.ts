import type { ServerResponse } from 'node:http'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { clientSafeText, type JobStatus, type QueueName } from '@flashcards/queue-core'
import { JobIdParams } from '../api-schemas.js'
import { principalOf, type RouteContext } from '../context.js'
import { responses } from '../envelope.js'
import { JobNotFoundError } from '../errors.js'
import type { JobEvent } from '../job-events.js'
import { StreamLimiter } from '../stream-limits.js'

const TERMINAL = new Set(['completed', 'failed'])

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

interface StreamState {
  queue: QueueName
  jobId: string
  tenant: string
  status: JobStatus
  pending: JobEvent[]
  setDeliver: (deliver: (event: JobEvent) => void) => void
  /** Detaches from the hub and frees the stream's slot; called once the stream ends. */
  release: () => void
}

/**
 * Server-sent events for one job: `state` (the current status, first), then `progress`,
 * and `completed`, `failed` or `removed`, after which the stream ends. A stream idle for
 * `idleTimeoutMs` or open for `maxLifetimeMs` ends with a `timeout` event (the client reconnects).
 */
export async function jobEventRoutes(fastify: FastifyInstance, ctx: RouteContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { queues, hub } = ctx
  const limits = ctx.options.eventStreams
  const limiter = new StreamLimiter(limits)
  const open = new Set<() => void>()

  // Streams never end on their own while a job runs: end them before the server waits for idle sockets.
  fastify.addHook('preClose', async () => {
    for (const end of [...open]) end()
  })

  /** Takes a stream slot, subscribes, then reads the state; undefined (slot freed) when the job is not the tenant's. */
  async function prepare(queue: QueueName, jobId: string, tenant: string): Promise<StreamState | undefined> {
    const free = limiter.acquire(tenant)
    // Subscribe before reading the state: whatever happens after the read is then delivered.
    const pending: JobEvent[] = []
    let deliver: (event: JobEvent) => void = (event) => pending.push(event)
    let unsubscribe = () => {}
    const release = () => {
      unsubscribe()
      free()
    }
    try {
      unsubscribe = await hub.subscribe(queue, jobId, (event) => deliver(event))
      const status = await queues.getJob(queue, jobId, tenant)
      if (!status) {
        release()
        return undefined
      }
      return { queue, jobId, tenant, status, pending, release, setDeliver: (next) => (deliver = next) }
    } catch (err) {
      release()
      throw err
    }
  }

  function stream(res: ServerResponse, request: FastifyRequest, state: StreamState): void {
    const { queue, jobId, tenant } = state
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    })
    let ended = false
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), ctx.options.eventsHeartbeatMs)
    const timeout = (reason: 'idle' | 'lifetime') => () => {
      send('timeout', { job_id: jobId, reason, message: 'The server ended this stream; reconnect to follow the job further' })
      end()
    }
    let idle = setTimeout(timeout('idle'), limits.idleTimeoutMs)
    const lifetime = setTimeout(timeout('lifetime'), limits.maxLifetimeMs)
    const end = () => {
      if (ended) return
      ended = true
      clearInterval(heartbeat)
      clearTimeout(idle)
      clearTimeout(lifetime)
      state.release()
      open.delete(end)
      res.end()
    }
    open.add(end)
    request.raw.on('close', end)
    const send = (event: string, data: unknown) => {
      if (!ended) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    }
    const finish = async (event: 'completed' | 'failed' | 'removed', fallback: Record<string, unknown>) => {
      const final = await queues.getJob(queue, jobId, tenant).catch(() => undefined)
      send(event, final ?? { id: jobId, ...fallback })
      end()
    }

    send('state', state.status)
    if (TERMINAL.has(state.status.state)) return end()
    const deliver = (event: JobEvent) => {
      if (ended) return
      clearTimeout(idle)
      idle = setTimeout(timeout('idle'), limits.idleTimeoutMs)
      if (event.type === 'progress') send('progress', { job_id: jobId, progress: event.data })
      else if (event.type === 'completed') void finish('completed', { state: 'completed' })
      else if (event.type === 'failed') void finish('failed', { state: 'failed', error: clientSafeText(event.reason) })
      else {
        send('removed', { id: jobId, state: 'removed' })
        end()
      }
    }
    state.setDeliver(deliver)
    for (const event of state.pending.splice(0)) deliver(event)
  }

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
            'periodically to keep proxies from closing an idle stream. A stream without job events for a while, or open ' +
            'for long, ends with a `timeout` event: reconnect to go on. Too many open streams: 429 for one tenant, 503 for ' +
            'the server, both with Retry-After.',
          security: [{ bearerAuth: [] }],
          params: JobIdParams,
          response: responses(
            {
              200: {
                description: 'The event stream',
                content: { 'text/event-stream': { schema: Type.String({ examples: [SSE_EXAMPLE] }) } },
              } as never,
            },
            [404, 429, 503],
          ),
        },
      },
      async (request, reply) => {
        const { jobId } = request.params
        const state = await prepare(queue, jobId, principalOf(request).tenant)
        if (!state) throw new JobNotFoundError(jobId)
        reply.hijack()
        stream(reply.raw, request, state)
      },
    )

  route('orchestrator', '/orchestrator/jobs/:jobId/events', 'generation')
  route('transcription', '/transcription/jobs/:jobId/events', 'transcription')
}
