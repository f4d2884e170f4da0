import { pino, type Logger, type DestinationStream } from 'pino'
import { logOptions } from '@flashcards/queue-core'

export type { Logger }

export interface CreateLoggerOptions {
  /** DEBUG=true: debug level instead of info. */
  debug: boolean
  /** Name shown in every line, e.g. `orchestrator`. */
  name: string
  /** Where lines go; standard output by default. Tests pass a stream to inspect them. */
  destination?: DestinationStream
}

/**
 * One pino JSON logger per process: one line per event, easy to grep, pipe to `pino-pretty` to
 * read, in the API's shape (queue-core's `logOptions`: ISO time). Every finished line (message,
 * objects, serialized errors) goes through queue-core's redaction, at every level, so secrets
 * never reach a log.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const settings = {
    name: options.name,
    level: options.debug ? 'debug' : 'info',
    base: { pid: process.pid },
    ...logOptions,
  }
  return options.destination ? pino(settings, options.destination) : pino(settings)
}
