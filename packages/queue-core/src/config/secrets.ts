import { registerSecrets } from '../job-log/known-secrets.js'
import { parseRedisUrl, redactRedisUrl } from '../redis-url.js'

type RawEnv = Record<string, string | undefined>

/** Variables whose values must never be echoed back. */
export const SECRET_ENV_VARS = new Set([
  'GEMINI_API_KEY',
  'GOOGLE_AI_API_KEY',
  'OPENAI_API_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'API_TOKENS',
  'DATABASE_URL',
  'TEST_DATABASE_URL',
  'WEBHOOK_SECRET',
])

/** A value as a problem line may show it: secrets hidden, Redis passwords redacted. */
export function shownValue(name: string, value: string): string {
  if (SECRET_ENV_VARS.has(name)) return '(value hidden)'
  if (name.endsWith('REDIS_URL')) return JSON.stringify(redactRedisUrl(value))
  return JSON.stringify(value)
}

function databasePassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined
  } catch {
    return undefined
  }
}

/** Every output path redacts these values wherever they appear, e.g. echoed in a provider's error. */
export function registerConfiguredSecrets(env: RawEnv, redisUrls: (string | undefined)[]): void {
  for (const name of SECRET_ENV_VARS) {
    const value = env[name]?.trim()
    if (!value) continue
    // API_TOKENS is `token:tenant,…`: the tokens are the secrets.
    if (name === 'API_TOKENS') registerSecrets(...value.split(',').map((entry) => entry.slice(0, entry.lastIndexOf(':')).trim()))
    else if (name.endsWith('DATABASE_URL')) registerSecrets(value, databasePassword(value))
    else registerSecrets(value)
  }
  for (const url of redisUrls) {
    if (url === undefined) continue
    const target = parseRedisUrl(url)
    registerSecrets(target.password, target.kind === 'sentinel' ? target.sentinelPassword : undefined)
  }
}
