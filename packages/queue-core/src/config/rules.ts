import { parseRedisUrl } from '../redis-url.js'
import { shownValue } from './secrets.js'

/*
 * What the schema cannot say: URLs checked by parsing them, the S3 bucket list, and the rules
 * that span variables. Each returns problem lines in the schema's wording.
 */

/** The environment as given (trimmed, blanks dropped), before the schema converts it: every rule here reads strings. */
export type RawEnv = Readonly<Partial<Record<string, string>>>

const invalid = (name: string, value: string, allowed: string) => `${name}=${shownValue(name, value)} is invalid: expected ${allowed}`

function redisUrlProblem(name: string, value: string | undefined): string[] {
  if (value === undefined) return []
  try {
    parseRedisUrl(value)
    return []
  } catch (err) {
    return [invalid(name, value, (err as Error).message)]
  }
}

function httpUrlProblem(name: string, value: string | undefined): string[] {
  if (value === undefined) return []
  try {
    const { protocol } = new URL(value)
    if (protocol === 'http:' || protocol === 'https:') return []
  } catch {
    // reported below
  }
  return [invalid(name, value, 'an http:// or https:// URL')]
}

/** An S3 bucket name as AWS allows it: 3 to 63 lower-case letters, digits, dots and hyphens. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

/** S3_ALLOWED_BUCKETS as a list of names (blank entries dropped), or undefined when unset. */
export function bucketList(raw: string | undefined): string[] | undefined {
  return raw === undefined
    ? undefined
    : raw
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '')
}

function bucketProblem(raw: string | undefined): string[] {
  const bad = (bucketList(raw) ?? []).filter((name) => !BUCKET_NAME.test(name))
  if (bad.length === 0) return []
  return [`S3_ALLOWED_BUCKETS=${JSON.stringify(raw)} is invalid: ${bad.map((name) => JSON.stringify(name)).join(', ')} is not an S3 bucket name (comma-separated names expected)`]
}

/** The Gemini key under either of its names. */
export const geminiApiKey = (env: { GEMINI_API_KEY?: string | undefined; GOOGLE_AI_API_KEY?: string | undefined }): string | undefined =>
  env.GEMINI_API_KEY ?? env.GOOGLE_AI_API_KEY

/** LLM_PROVIDER, defaulting to gemini when a Gemini key is set. */
export function llmProvider<P extends string>(env: {
  LLM_PROVIDER?: P | undefined
  GEMINI_API_KEY?: string | undefined
  GOOGLE_AI_API_KEY?: string | undefined
}): P | 'gemini' | 'offline' {
  return env.LLM_PROVIDER ?? (geminiApiKey(env) ? 'gemini' : 'offline')
}

function crossProblems(env: RawEnv): string[] {
  const problems: string[] = []
  if (env.LOG_STORE === 's3' && env.S3_BUCKET === undefined) problems.push('S3_BUCKET is required when LOG_STORE=s3: set it to the bucket that receives job logs')
  const provider = llmProvider(env)
  if (provider === 'gemini' && !geminiApiKey(env)) problems.push('LLM_PROVIDER=gemini needs GEMINI_API_KEY (or GOOGLE_AI_API_KEY) to be set')
  if (provider === 'openai-compatible' && !env.OPENAI_BASE_URL) problems.push('LLM_PROVIDER=openai-compatible needs OPENAI_BASE_URL (for example http://localhost:11434/v1)')
  if (provider === 'openai-compatible' && !env.OPENAI_MODEL) problems.push('LLM_PROVIDER=openai-compatible needs OPENAI_MODEL (for example llama3.1:8b)')
  if (env.DECK_STORE === 'postgres' && env.DATABASE_URL === undefined) {
    problems.push('DECK_STORE=postgres needs DATABASE_URL (for example postgres://user:password@localhost:5432/flashcards)')
  }
  if (env.WEBHOOK_URL !== undefined && env.WEBHOOK_SECRET === undefined) problems.push('WEBHOOK_URL needs WEBHOOK_SECRET: every webhook is signed with it')
  return problems
}

/** Problems the schema cannot see, reported together with its own so that one start-up lists them all. */
export function ruleProblems(env: RawEnv): string[] {
  return [
    ...redisUrlProblem('REDIS_URL', env.REDIS_URL), // unset: the default, which parses
    ...redisUrlProblem('TEST_REDIS_URL', env.TEST_REDIS_URL),
    ...(['GEMINI_BASE_URL', 'OPENAI_BASE_URL', 'S3_ENDPOINT', 'WEBHOOK_URL'] as const).flatMap((name) => httpUrlProblem(name, env[name])),
    ...bucketProblem(env.S3_ALLOWED_BUCKETS),
    ...crossProblems(env),
  ]
}
