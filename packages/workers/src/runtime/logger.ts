import { pino, type Logger, type DestinationStream } from 'pino'

export type { Logger }

export interface CreateLoggerOptions {
  /** DEBUG=true: debug level instead of info. */
  debug: boolean
  /** Name shown in every line, e.g. `orchestrator`. */
  name: string
  /** Where lines go; standard output by default. Tests pass a stream to inspect them. */
  destination?: DestinationStream
  /** Scrubs secrets from every logged object; queue-core's `redact` once the job-log module has it. */
  redact?: (value: unknown) => unknown
}

/** One pino JSON logger per process: one line per event, easy to grep, pipe to `pino-pretty` to read. */
export function createLogger(options: CreateLoggerOptions): Logger {
  const scrub = options.redact
  const settings = {
    name: options.name,
    level: options.debug ? 'debug' : 'info',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(scrub ? { formatters: { log: (object: Record<string, unknown>) => scrub(object) as Record<string, unknown> } } : {}),
  }
  return options.destination ? pino(settings, options.destination) : pino(settings)
}
