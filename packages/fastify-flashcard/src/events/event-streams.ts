import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FlashcardQueues, QueueName } from '@flashcards/queue-core'
import { JobNotFoundError } from '../errors.js'
import { servableJob } from '../job-results.js'
import type { JobEvent, JobEventHub } from './hub.js'
import { JobStream, type OpenedJob } from './job-stream.js'
import { StreamLimiter, type StreamLimits } from './stream-limits.js'

/**
 * The plugin's event streams: each holds a slot of the limiter and a subscription to the hub
 * until it ends. They never end on their own while a job runs, so the plugin ends them before
 * the server waits for idle sockets.
 */
export class EventStreams {
  private readonly limiter: StreamLimiter
  private readonly open = new Set<JobStream>()

  constructor(
    private readonly queues: FlashcardQueues,
    private readonly hub: JobEventHub,
    private readonly limits: StreamLimits,
    private readonly heartbeatMs: number,
  ) {
    this.limiter = new StreamLimiter(limits)
  }

  /** Answers with the job's event stream; JobNotFoundError when the job is not the tenant's. */
  async follow(queue: QueueName, jobId: string, tenant: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const job = await this.openJob(queue, jobId, tenant)
    if (!job) throw new JobNotFoundError(jobId)
    reply.hijack()
    const stream = new JobStream(reply.raw, job, {
      idleTimeoutMs: this.limits.idleTimeoutMs,
      maxLifetimeMs: this.limits.maxLifetimeMs,
      heartbeatMs: this.heartbeatMs,
      readFinal: async () => {
        const status = await this.queues.getJob(queue, jobId, tenant)
        return status && servableJob(status)
      },
      onEnd: () => this.open.delete(stream),
    })
    this.open.add(stream)
    request.raw.on('close', () => stream.end())
    stream.start()
  }

  endAll(): void {
    for (const stream of [...this.open]) stream.end()
  }

  /** Takes a stream slot, subscribes, then reads the state; undefined (slot freed) when the job is not the tenant's. */
  private async openJob(queue: QueueName, jobId: string, tenant: string): Promise<OpenedJob | undefined> {
    const free = this.limiter.acquire(tenant)
    // Subscribe before reading the state: whatever happens after the read is then delivered.
    const pending: JobEvent[] = []
    let deliver: (event: JobEvent) => void = (event) => pending.push(event)
    let unsubscribe = () => {}
    const release = () => {
      unsubscribe()
      free()
    }
    try {
      unsubscribe = await this.hub.subscribe(queue, jobId, (event) => deliver(event))
      const status = await this.queues.getJob(queue, jobId, tenant)
      if (!status) {
        release()
        return undefined
      }
      return { queue, jobId, tenant, status: servableJob(status), pending, release, setDeliver: (next) => (deliver = next) }
    } catch (err) {
      release()
      throw err
    }
  }
}
