import type { ServerResponse } from 'node:http'
import { clientSafeText, type JobStatus, type QueueName } from '@flashcards/queue-core'
import type { JobEvent } from './hub.js'

const TERMINAL = new Set(['completed', 'failed'])

const HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
}

/** A job whose stream is about to start: subscribed to first, then read, so nothing in between is lost. */
export interface OpenedJob {
  queue: QueueName
  jobId: string
  tenant: string
  status: JobStatus
  /** Events that arrived between subscribing and the start of the stream. */
  pending: JobEvent[]
  setDeliver: (deliver: (event: JobEvent) => void) => void
  /** Detaches from the hub and frees the stream's slot; called once the stream ends. */
  release: () => void
}

export interface JobStreamSettings {
  idleTimeoutMs: number
  maxLifetimeMs: number
  heartbeatMs: number
  /** The job's final status, sent with `completed` and `failed`. */
  readFinal: () => Promise<JobStatus | undefined>
  onEnd: () => void
}

/**
 * One job's server-sent events: `state` (the current status, first), then `progress`, and
 * `completed`, `failed` or `removed`, after which the stream ends. A comment line keeps proxies
 * from closing it; a stream idle for `idleTimeoutMs` or open for `maxLifetimeMs` ends with a
 * `timeout` event (the client reconnects).
 */
export class JobStream {
  private ended = false
  private readonly heartbeat: NodeJS.Timeout
  private readonly lifetime: NodeJS.Timeout
  private idle: NodeJS.Timeout

  constructor(
    private readonly res: ServerResponse,
    private readonly job: OpenedJob,
    private readonly settings: JobStreamSettings,
  ) {
    res.writeHead(200, HEADERS)
    this.heartbeat = setInterval(() => res.write(': keep-alive\n\n'), settings.heartbeatMs)
    this.idle = setTimeout(this.timeout('idle'), settings.idleTimeoutMs)
    this.lifetime = setTimeout(this.timeout('lifetime'), settings.maxLifetimeMs)
  }

  /** Sends the state, then the events that arrived meanwhile, then each as it comes. */
  start(): void {
    this.send('state', this.job.status)
    if (TERMINAL.has(this.job.status.state)) return this.end()
    this.job.setDeliver((event) => this.deliver(event))
    for (const event of this.job.pending.splice(0)) this.deliver(event)
  }

  end(): void {
    if (this.ended) return
    this.ended = true
    clearInterval(this.heartbeat)
    clearTimeout(this.idle)
    clearTimeout(this.lifetime)
    this.job.release()
    this.settings.onEnd()
    this.res.end()
  }

  private send(event: string, data: unknown): void {
    if (!this.ended) this.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
  }

  private timeout(reason: 'idle' | 'lifetime') {
    return () => {
      this.send('timeout', { job_id: this.job.jobId, reason, message: 'The server ended this stream; reconnect to follow the job further' })
      this.end()
    }
  }

  private deliver(event: JobEvent): void {
    if (this.ended) return
    clearTimeout(this.idle)
    this.idle = setTimeout(this.timeout('idle'), this.settings.idleTimeoutMs)
    const jobId = this.job.jobId
    if (event.type === 'progress') this.send('progress', { job_id: jobId, progress: event.data })
    else if (event.type === 'completed') void this.finish('completed', { state: 'completed' })
    else if (event.type === 'failed') void this.finish('failed', { state: 'failed', error: clientSafeText(event.reason) })
    else {
      this.send('removed', { id: jobId, state: 'removed' })
      this.end()
    }
  }

  private async finish(event: 'completed' | 'failed', fallback: Record<string, unknown>): Promise<void> {
    const final = await this.settings.readFinal().catch(() => undefined)
    this.send(event, final ?? { id: this.job.jobId, ...fallback })
    this.end()
  }
}
