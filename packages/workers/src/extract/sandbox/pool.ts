import { Worker } from 'node:worker_threads'
import { ThreadPoolClosedError } from '../../errors.js'
import { THREAD_READY } from './protocol.js'

/** Why a thread was stopped with its task: over the wall-clock limit, out of heap, or it exited. */
export class ThreadLimitError extends Error {
  constructor(
    readonly kind: 'time' | 'memory' | 'exit',
    message: string,
  ) {
    super(message)
    this.name = 'ThreadLimitError'
  }
}

export interface ThreadPoolOptions {
  /**
   * The thread's module: it posts {@link THREAD_READY} once loaded, then answers each message it
   * gets with one message.
   */
  file: URL
  /** Threads at most; tasks beyond wait in order. */
  size: number
  /** Wall-clock time per task from the moment a thread takes it; then the thread is terminated. */
  timeoutMs: number
  /** V8 old-generation heap per thread (`resourceLimits.maxOldGenerationSizeMb`). */
  maxHeapMb: number
  /** An idle thread is stopped after this long, freeing its heap and libraries. Default 30 s. */
  idleMs?: number
}

interface Task<Req, Rep> {
  request: Req
  signal: AbortSignal | undefined
  resolve(reply: Rep): void
  reject(err: unknown): void
  onAbort?: () => void
  slot?: Slot<Req, Rep>
}

interface Slot<Req, Rep> {
  worker: Worker
  /** Loading its module (seconds for pdf.js under a TypeScript loader) is not the task's time. */
  ready: boolean
  task?: Task<Req, Rep>
  deadline?: NodeJS.Timeout
  idle?: NodeJS.Timeout
  dead?: boolean
}

/**
 * A small pool of worker threads for work that must not block or crash the main thread: each
 * task runs in a thread under a heap limit and a wall-clock limit that terminates the thread
 * (V8 stops even a running regular expression), and a thread that dies takes only its own task
 * with it. Threads start on demand and stop when idle; idle threads do not keep the process alive.
 */
export class ThreadPool<Req, Rep> {
  private readonly idle: Slot<Req, Rep>[] = []
  private readonly queue: Task<Req, Rep>[] = []
  private readonly busy = new Set<Slot<Req, Rep>>()
  private threads = 0
  private closed = false

  constructor(private readonly options: ThreadPoolOptions) {}

  run(request: Req, signal?: AbortSignal): Promise<Rep> {
    if (this.closed) return Promise.reject(new ThreadPoolClosedError('the thread pool is closed'))
    if (signal?.aborted) return Promise.reject(signal.reason)
    return new Promise<Rep>((resolve, reject) => {
      const task: Task<Req, Rep> = { request, signal, resolve, reject }
      task.onAbort = () => {
        if (task.slot) return this.kill(task.slot, signal!.reason)
        const queued = this.queue.indexOf(task)
        if (queued >= 0) this.queue.splice(queued, 1)
        reject(signal!.reason)
      }
      signal?.addEventListener('abort', task.onAbort, { once: true })
      this.queue.push(task)
      this.pump()
    })
  }

  /** Threads running now (busy or idle). */
  get size(): number {
    return this.threads
  }

  async close(): Promise<void> {
    this.closed = true
    for (const task of this.queue.splice(0)) this.settle(task, () => task.reject(new ThreadPoolClosedError('the thread pool is closed')))
    const slots = [...this.idle, ...this.busy]
    for (const slot of slots) this.kill(slot, new ThreadPoolClosedError('the thread pool is closed'))
    await Promise.all(slots.map((slot) => slot.worker.terminate().catch(() => {})))
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      const slot = this.idle.pop() ?? (this.threads < this.options.size ? this.spawn() : undefined)
      if (!slot) return
      this.start(slot, this.queue.shift()!)
    }
  }

  private spawn(): Slot<Req, Rep> {
    const worker = new Worker(this.options.file, { resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb } })
    const slot: Slot<Req, Rep> = { worker, ready: false }
    this.threads++
    worker.on('message', (reply: Rep | typeof THREAD_READY) => {
      if (reply !== THREAD_READY) return this.answered(slot, reply)
      slot.ready = true
      if (slot.task) this.startClock(slot)
    })
    worker.on('error', (err: NodeJS.ErrnoException) => {
      const memory = err.code === 'ERR_WORKER_OUT_OF_MEMORY'
      this.kill(slot, memory ? new ThreadLimitError('memory', err.message) : err)
    })
    worker.on('exit', (code) => this.kill(slot, new ThreadLimitError('exit', `the thread exited with code ${code}`)))
    return slot
  }

  private start(slot: Slot<Req, Rep>, task: Task<Req, Rep>): void {
    clearTimeout(slot.idle)
    slot.worker.ref()
    slot.task = task
    task.slot = slot
    this.busy.add(slot)
    if (slot.ready) this.startClock(slot)
    slot.worker.postMessage(task.request)
  }

  private startClock(slot: Slot<Req, Rep>): void {
    const { timeoutMs } = this.options
    slot.deadline = setTimeout(() => this.kill(slot, new ThreadLimitError('time', `took longer than ${timeoutMs} ms`)), timeoutMs)
  }

  private answered(slot: Slot<Req, Rep>, reply: Rep): void {
    const task = slot.task
    if (!task || slot.dead) return
    this.release(slot)
    this.settle(task, () => task.resolve(reply))
    slot.idle = setTimeout(() => this.kill(slot, undefined), this.options.idleMs ?? 30_000)
    // An idle thread must not keep the process alive.
    slot.worker.unref()
    this.idle.push(slot)
    this.pump()
  }

  /** Stops the thread for good; its task, if any, fails with `err`. */
  private kill(slot: Slot<Req, Rep>, err: unknown): void {
    if (slot.dead) return
    slot.dead = true
    this.threads--
    clearTimeout(slot.idle)
    const index = this.idle.indexOf(slot)
    if (index >= 0) this.idle.splice(index, 1)
    const task = slot.task
    this.release(slot)
    if (task) this.settle(task, () => task.reject(err))
    // A thread that already died (out of memory) may refuse to terminate again; it is gone either way.
    slot.worker.terminate().catch(() => {})
    this.pump()
  }

  private release(slot: Slot<Req, Rep>): void {
    clearTimeout(slot.deadline)
    this.busy.delete(slot)
    slot.task = undefined
  }

  private settle(task: Task<Req, Rep>, done: () => void): void {
    if (task.onAbort) task.signal?.removeEventListener('abort', task.onAbort)
    done()
  }
}
