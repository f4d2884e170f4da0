import { pino, type Logger, type DestinationStream } from 'pino'
import { redact } from '@flashcards/queue-core'

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
 * read. Every logged object goes through queue-core's `redact`, so secrets never reach a log.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const settings = {
    name: options.name,
    level: options.debug ? 'debug' : 'info',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { log: (object: Record<string, unknown>) => redact(object) as Record<string, unknown> },
  }
  return options.destination ? pino(settings, options.destination) : pino(settings)
}
