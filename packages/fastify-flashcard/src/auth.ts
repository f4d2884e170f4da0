import crypto, { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { registerSecrets } from '@flashcards/queue-core'
import { ApiTokensInvalidError, ApiTokensMissingError, InvalidPrincipalError, MalformedAuthorizationError, MissingCredentialsError } from './errors.js'
import type { FlashcardAuthOptions, FlashcardPrincipal } from './options.js'

export type Authenticate = (request: FastifyRequest) => Promise<FlashcardPrincipal | null>

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i

/** The bearer token of a request; a 401 error when it is missing or malformed. */
export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization
  if (header === undefined || header === '') throw new MissingCredentialsError()
  const match = BEARER.exec(header)
  if (!match) throw new MalformedAuthorizationError()
  return match[1]!
}

// One-shot hashing (Node >= 20.12) skips the Hash object createHash builds for each call.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash
const digest = oneShot ? (value: string): Buffer => oneShot('sha256', value, 'buffer') : (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest()

/**
 * Checks a token against a static list. The presented token is hashed (SHA-256) and its digest
 * looked up among the digests of the configured tokens, then compared with `timingSafeEqual`:
 * the lookup is one step whatever the number of tokens, and neither it nor the comparison works
 * on the token itself, so timing tells nothing about a configured token (at most about its
 * digest, which does not lead back to it).
 */
function staticTokenVerifier(tokens: Record<string, string>): (token: string) => FlashcardPrincipal | null {
  // A token echoed anywhere (a log line, an error) is redacted like any configured secret.
  registerSecrets(...Object.keys(tokens))
  const byDigest = new Map<string, { hash: Buffer; principal: FlashcardPrincipal }>()
  for (const [token, tenant] of Object.entries(tokens)) {
    const hash = digest(token)
    // The principal id names the token without revealing it: the first bytes of its digest.
    byDigest.set(hash.toString('latin1'), { hash, principal: { id: `token:${hash.subarray(0, 6).toString('hex')}`, tenant } })
  }
  return (token) => {
    const candidate = digest(token)
    const entry = byDigest.get(candidate.toString('latin1'))
    return entry !== undefined && timingSafeEqual(candidate, entry.hash) ? entry.principal : null
  }
}

/** A synchronous authenticator: request → principal, or null when refused. */
export type AuthenticateSync = (request: FastifyRequest) => FlashcardPrincipal | null

/**
 * Turns the `auth` option into one function: request → principal, or null when refused. With a
 * static token list the answer is known at once: `sync` then holds the same check without a
 * promise, for the plugin's own hook.
 */
export function createAuthenticator(auth: FlashcardAuthOptions): Authenticate & { sync?: AuthenticateSync } {
  if ('tokens' in auth) {
    const verify = staticTokenVerifier(auth.tokens)
    const sync: AuthenticateSync = (request) => verify(bearerToken(request))
    return Object.assign(async (request: FastifyRequest) => sync(request), { sync })
  }
  return async (request) => {
    const principal = await auth.verify(bearerToken(request), request)
    if (principal === null || principal === undefined) return null
    const { id, tenant } = principal
    if (typeof tenant !== 'string' || tenant === '' || tenant.length > 128 || typeof id !== 'string' || id === '' || id.length > 256) {
      throw new InvalidPrincipalError()
    }
    return { id: principal.id, tenant: principal.tenant }
  }
}

/**
 * Parses the API_TOKENS format, `token:tenant,token:tenant`, into the `auth.tokens` option.
 * Errors name the entry's position, never the token.
 */
export function parseApiTokens(text: string | undefined, variable = 'API_TOKENS'): Record<string, string> {
  if (text === undefined || text.trim() === '') {
    throw new ApiTokensMissingError(variable, variable)
  }
  const tokens: Record<string, string> = {}
  const fail = (problem: string): never => {
    throw new ApiTokensInvalidError(variable, problem)
  }
  text.split(',').forEach((raw, index) => {
    const entry = raw.trim()
    const colon = entry.lastIndexOf(':')
    const token = colon > 0 ? entry.slice(0, colon) : ''
    const tenant = colon > 0 ? entry.slice(colon + 1) : ''
    if (token === '' || tenant === '') {
      fail(`entry #${index + 1} is not "token:tenant" (value hidden)`)
    }
    if (token.length < 8) fail(`the token of entry #${index + 1} is shorter than 8 characters`)
    if (!/^[\w.-]{1,128}$/.test(tenant)) {
      fail(`the tenant of entry #${index + 1} must be 1-128 letters, digits, _ . - (got ${JSON.stringify(tenant)})`)
    }
    if (token in tokens) fail(`entry #${index + 1} repeats an earlier token`)
    tokens[token] = tenant
  })
  return tokens
}
