import { redact, redactText } from './redact.js'

/**
 * One pino log line (JSON) with every secret removed: the message string, the logged object,
 * and what serializers made of requests and errors. pino applies `formatters.log` before its
 * serializers and adds the message after it, so only the finished line is complete.
 */
export function redactLogLine(line: string): string {
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch {
    return redactText(line)
  }
  return `${JSON.stringify(redact(parsed))}\n`
}

/**
 * The one log shape of every process (API and workers): pino options, also accepted inside
 * Fastify's `logger` option, that stamp each line with an ISO time (`"time":"2026-…Z"`, not epoch
 * milliseconds) and pass it through queue-core's redaction: `pino({ ...settings, ...logOptions })`.
 */
export const logOptions = {
  timestamp: () => `,"time":"${new Date().toISOString()}"`,
  hooks: { streamWrite: redactLogLine },
} as const
