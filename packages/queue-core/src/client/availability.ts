import { FlashcardError } from '../errors.js'
import type { RedisConnection } from '../redis.js'

/** Redis refusing a write under a full maxmemory; inside a script or a MULTI's queued command too. */
const OUT_OF_MEMORY = /\bOOM command not allowed\b/

const CONNECTION_ERROR =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|Stream isn't writeable|Connection is closed|Command timed out|MaxRetriesPerRequest|CLUSTERDOWN|TRYAGAIN|LOADING|READONLY|NOREPLICAS|MASTERDOWN|Failed to refresh slots cache|None of the sentinels are available/

/**
 * Whether the job store can answer now. The first connect is awaited; after that a lost
 * connection fails at once with UNAVAILABLE, so an HTTP request never waits on a Redis that is down.
 */
export class Availability {
  private wasReady = false
  private firstConnect: Promise<void> | undefined

  constructor(private readonly connection: RedisConnection) {
    if (connection.status === 'ready') this.wasReady = true
    connection.on('ready', () => {
      this.wasReady = true
    })
  }

  /** Resolves once Redis is usable, waiting up to `startupWaitMs` for the first connect. */
  async ready(startupWaitMs = 5_000): Promise<void> {
    const connection = this.connection
    if (connection.status === 'ready') return
    if (this.wasReady || connection.status === 'end') throw unavailable()
    // Concurrent callers share one wait (and one listener) for the first connect.
    this.firstConnect ??= new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        connection.off('ready', onReady)
        this.firstConnect = undefined
        reject(unavailable())
      }, startupWaitMs)
      const onReady = () => {
        clearTimeout(timer)
        resolve()
      }
      connection.once('ready', onReady)
    })
    await this.firstConnect
  }

  /** Runs a Redis operation, turning connection failures and refusals for memory into UNAVAILABLE. */
  async guard<T>(operation: () => Promise<T>): Promise<T> {
    // The usual case, without the extra promise of ready().
    if (this.connection.status !== 'ready') await this.ready()
    try {
      return await operation()
    } catch (err) {
      throw redisFailure(err) ?? err
    }
  }
}

function unavailable(cause?: unknown): FlashcardError {
  return new FlashcardError('UNAVAILABLE', 'Redis is unreachable; the job store is unavailable, try again shortly', {
    retryAfterSeconds: 5,
    ...(cause === undefined ? {} : { cause }),
  })
}

function outOfMemory(cause: unknown): FlashcardError {
  return new FlashcardError('UNAVAILABLE', 'Redis is out of memory and refuses writes; try again later', { retryAfterSeconds: 30, cause })
}

/** The error itself and, for an aborted MULTI (EXECABORT), the errors of the commands it queued. */
function errorsOf(err: Error): Error[] {
  const previous = (err as { previousErrors?: unknown }).previousErrors
  return [err, ...(Array.isArray(previous) ? previous.filter((e): e is Error => e instanceof Error) : [])]
}

export function isOutOfMemory(err: unknown): boolean {
  return err instanceof Error && errorsOf(err).some((e) => OUT_OF_MEMORY.test(e.message))
}

function isConnectionError(err: unknown): boolean {
  return err instanceof Error && CONNECTION_ERROR.test(`${err.message} ${(err as { code?: string }).code ?? ''}`)
}

/**
 * The UNAVAILABLE error a Redis failure is answered with (the connection is gone, or Redis
 * refuses writes for memory), or undefined for any other error. Its message is ours: a client
 * never sees the driver's or a Lua script's words.
 */
export function redisFailure(err: unknown): FlashcardError | undefined {
  if (err instanceof FlashcardError) return undefined
  if (isOutOfMemory(err)) return outOfMemory(err)
  return isConnectionError(err) ? unavailable(err) : undefined
}
