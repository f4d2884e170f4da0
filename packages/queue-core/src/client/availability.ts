import { FlashcardError } from '../errors.js'
import type { RedisConnection } from '../redis.js'

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

  /** Runs a Redis operation, turning connection failures into UNAVAILABLE. */
  async guard<T>(operation: () => Promise<T>): Promise<T> {
    await this.ready()
    try {
      return await operation()
    } catch (err) {
      if (err instanceof FlashcardError || !isConnectionError(err)) throw err
      throw unavailable(err)
    }
  }
}

function unavailable(cause?: unknown): FlashcardError {
  return new FlashcardError('UNAVAILABLE', 'Redis is unreachable; the job store is unavailable, try again shortly', {
    retryAfterSeconds: 5,
    ...(cause === undefined ? {} : { cause }),
  })
}

function isConnectionError(err: unknown): boolean {
  return err instanceof Error && CONNECTION_ERROR.test(`${err.message} ${(err as { code?: string }).code ?? ''}`)
}
