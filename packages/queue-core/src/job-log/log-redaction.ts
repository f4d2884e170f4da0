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
 * pino options (also accepted inside Fastify's `logger` option) that pass every line through
 * queue-core's redaction: `pino({ ...settings, ...redactingLogOptions })`.
 */
export const redactingLogOptions = { hooks: { streamWrite: redactLogLine } } as const
