/*
 * The secret values this process was configured with (API keys, tokens, the Redis password).
 * Patterns cannot recognise an arbitrary key that a provider's error message echoes back, but the
 * process knows its own keys: `redactText` replaces every occurrence of a registered value.
 */

/** Shorter values would match ordinary words; configured secrets are longer than this. */
const MIN_SECRET_LENGTH = 6

const values = new Set<string>()
let pattern: RegExp | undefined

const escape = (value: string): string => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Registers secret values so that `redactText` (and so `redact`, the pino hooks and the API's
 * error answers) replaces them wherever they appear. `loadConfig` registers the values of the
 * secret variables and the Redis passwords; the Fastify plugin its static tokens.
 */
export function registerSecrets(...secrets: (string | undefined)[]): void {
  let added = false
  for (const secret of secrets) {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH || values.has(secret)) continue
    values.add(secret)
    // Their percent-encoded form too: a password travels inside URLs.
    const encoded = encodeURIComponent(secret)
    if (encoded !== secret) values.add(encoded)
    added = true
  }
  if (!added) return
  // Longest first, so a secret that contains another is replaced whole.
  const sorted = [...values].sort((a, b) => b.length - a.length).map(escape)
  pattern = new RegExp(sorted.join('|'), 'g')
}

/** Replaces every registered secret value in `text` with `replacement`. */
export function replaceKnownSecrets(text: string, replacement: string): string {
  if (pattern === undefined) return text
  return text.replace(pattern, replacement)
}
