import { replaceKnownSecrets } from './known-secrets.js'

/** What every secret is replaced with. */
export const REDACTED = '[REDACTED]'

/*
 * One pass over a string: a single alternation, so a log line costs one regex scan however many
 * kinds of credential we look for. Each branch keeps its harmless "head" (the key name, the URL's
 * scheme and user) and replaces only the secret, so the text stays readable.
 * No branch starts with an unbounded quantifier, which keeps the scan linear on long inputs.
 */
const VALUE_PATTERN = new RegExp(
  // eslint-disable-next-line regexp/prefer-w, regexp/no-dupe-characters-character-class, regexp/no-useless-escape -- each branch spells its token format as the vendor documents it, whatever the flags make redundant
  [
    // PEM private key blocks (RSA, EC, OPENSSH, ENCRYPTED…); an unterminated block is cut to the end.
    String.raw`(?<pem>-----BEGIN[ A-Z0-9]*PRIVATE KEY-----[\s\S]*?(?:-----END[ A-Z0-9]*PRIVATE KEY-----|$))`,
    // scheme://user:password@host (redis://:pw@host, postgres://u:pw@db, https://u:pw@…). The
    // password runs to the last `@` before the path, so one containing `@` or `:` is cut whole.
    String.raw`(?<urlHead>\b[a-z][a-z0-9+.-]*:\/\/[^\s:@\/?#]*:)[^\s\/?#]+(?=@)`,
    // Authorization: <scheme> <credentials> — the header as it appears in dumps and error messages.
    String.raw`(?<authHead>\b(?:proxy-)?authorization["']?\s*[:=]\s*["']?(?:(?:bearer|basic|digest|token|negotiate|aws4-hmac-sha256)\s+)?)[^\s"',;]+`,
    // Bearer tokens anywhere (8+ characters, so "bearer bonds" in course text stays intact).
    String.raw`(?<bearerHead>\bbearer\s+)[A-Za-z0-9\-._~+\/]{8,}=*`,
    // key=value / "key": "value" pairs whose key names a secret (GEMINI_API_KEY=…, "password":"…").
    String.raw`(?<kvHead>(?:api[_-]?key|access[_-]?key(?:[_-]?id)?|secret(?:[_-]?(?:access[_-]?)?key)?|password|passwd|passphrase|pwd|token|credentials?|signature|cookie)["']?\s*[:=]\s*)(?!\[REDACTED\])(?<kvValue>"[^"]*"|'[^']*'|[^\s"'&,;<>)\]}]+)`,
    // Query parameters that carry keys (?key=… is how Google APIs take an API key; ?sig= SAS tokens).
    String.raw`(?<queryHead>[?&](?:key|sig|auth)=)[^&#\s"'<>]+`,
    // Google API keys.
    String.raw`(?<google>AIza[0-9A-Za-z_-]{20,})`,
    // AWS access key ids (long-term AKIA, temporary ASIA).
    String.raw`(?<aws>\b(?:AKIA|ASIA)[A-Z0-9]{16}\b)`,
    // OpenAI-style (sk-…), GitHub (ghp_…, github_pat_…) and Slack (xoxb-…) tokens.
    String.raw`(?<vendor>\b(?:sk-[A-Za-z0-9_-]{20,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}))`,
    // JSON Web Tokens.
    String.raw`(?<jwt>\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)`,
  ].join('|'),
  'gi',
)

// Cheap pre-check: strings without any of these characters or prefixes cannot match VALUE_PATTERN.
const MAYBE_SECRET = /[:=@?&-]|bearer|aiza|akia|asia|sk-|gh[pousr]_|github_pat|xox|eyj/i

type Groups = Record<string, string | undefined>

function replaceSecret(match: string, ...args: unknown[]): string {
  const groups = args[args.length - 1] as Groups
  const head = groups.urlHead ?? groups.authHead ?? groups.bearerHead ?? groups.queryHead
  if (head !== undefined) return head + REDACTED
  if (groups.kvHead !== undefined) {
    const quote = groups.kvValue?.[0]
    return quote === '"' || quote === "'" ? `${groups.kvHead}${quote}${REDACTED}${quote}` : groups.kvHead + REDACTED
  }
  return match.length > 0 ? REDACTED : match
}

/**
 * Replaces credentials found anywhere in free text with `[REDACTED]`: Bearer tokens,
 * `Authorization:` headers, Google (`AIza…`), AWS (`AKIA…`/`ASIA…`), OpenAI (`sk-…`), GitHub and
 * Slack tokens, JWTs, passwords in URLs (`redis://:pw@host`), `password=…`/`"api_key": "…"` pairs,
 * `?key=` query parameters and PEM private key blocks, and every value registered with
 * `registerSecrets` (the process's own keys, which a provider may echo in an error). Use it on
 * anything before it leaves the process (HTTP responses, logs).
 */
export function redactText(text: string): string {
  const known = replaceKnownSecrets(text, REDACTED)
  if (!MAYBE_SECRET.test(known)) return known
  return known.replace(VALUE_PATTERN, replaceSecret)
}

const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'secret',
  'secrets',
  'authorization',
  'cookie',
  'cookies',
  'credential',
  'credentials',
  'apikey',
  'privatekey',
  'accesskey',
  'secretkey',
])
/** Words that make a following `key` a credential: apiKey, private_key, accessKeyId, x-api-key. */
const KEY_QUALIFIERS = new Set(['api', 'private', 'access', 'secret', 'session', 'signing', 'encryption', 'master', 'client', 'auth'])

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
}

/**
 * Whether a property name denotes a secret. `token` counts only as the last word (accessToken,
 * refresh_token) so LLM usage fields (inputTokens, totalTokenCount) stay visible; a bare `key`
 * (an S3 object key, a cache key) is not a secret, `apiKey` is.
 */
export function isSecretKey(key: string): boolean {
  const list = words(key)
  const last = list[list.length - 1]
  if (last === 'token' || last === 'auth') return true
  for (let i = 0; i < list.length; i++) {
    const word = list[i] as string
    if (SECRET_WORDS.has(word)) return true
    if (word === 'key' && i > 0 && KEY_QUALIFIERS.has(list[i - 1] as string)) return true
  }
  return false
}

interface KeyVerdict {
  secret: boolean
  /** The key itself redacted: objects keyed by tokens (token → tenant maps) must not leak them. */
  name: string
}

// Log objects reuse the same few hundred keys; classifying each once keeps redaction cheap enough
// for a pino `formatters.log` hook. Cleared when full, so keys that are themselves random (ids,
// tokens) cannot grow it without bound.
const KEY_CACHE_MAX = 5_000
const keyCache = new Map<string, KeyVerdict>()

function verdictFor(key: string): KeyVerdict {
  let verdict = keyCache.get(key)
  if (verdict === undefined) {
    verdict = { secret: isSecretKey(key), name: redactText(key) }
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear()
    keyCache.set(key, verdict)
  }
  return verdict
}

const MAX_DEPTH = 64

/**
 * Returns a deep copy of `value` that is safe to write anywhere: properties named like secrets
 * (apiKey, api_key, token, secret, password, authorization, cookie, credentials — any case, at any
 * depth, inside arrays) become `[REDACTED]`, and every string goes through {@link redactText}.
 * Errors become Error copies (same prototype, so `instanceof` and pino's `err` serializer still
 * work) whose name, message, stack, cause and own properties are redacted and enumerable, so they
 * survive `JSON.stringify`. Cycles become `'[Circular]'`, Buffers and typed arrays a size
 * placeholder (binary data is not logged), Maps plain objects, Sets arrays, and objects with
 * `toJSON` (Dates…) their JSON form. `null`, `undefined` and booleans under secret keys are kept:
 * "not set" is useful and reveals nothing.
 *
 * @example
 *   redact({ apiKey: 'AIza…', url: 'redis://:pw@cache:6379', err })
 *   // → { apiKey: '[REDACTED]', url: 'redis://:[REDACTED]@cache:6379', err: { name, message, stack } }
 */
export function redact(value: unknown): unknown {
  return copy(value, new Set(), 0)
}

function copy(value: unknown, ancestors: Set<object>, depth: number): unknown {
  if (typeof value === 'string') return redactText(value)
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? undefined : value
  }
  if (ancestors.has(value)) return '[Circular]'
  if (depth >= MAX_DEPTH) return '[Too deep]'
  if (ArrayBuffer.isView(value)) return `[${value.constructor.name} ${value.byteLength} bytes]`
  if (value instanceof ArrayBuffer) return `[ArrayBuffer ${value.byteLength} bytes]`

  ancestors.add(value)
  try {
    if (Array.isArray(value)) return value.map((item) => copy(item, ancestors, depth + 1))
    if (value instanceof Error) return copyError(value, ancestors, depth)
    if (value instanceof Map) {
      const out = {}
      for (const [k, v] of value) assign(out, String(k), v, ancestors, depth, true)
      return out
    }
    if (value instanceof Set) return [...value].map((item) => copy(item, ancestors, depth + 1))
    if (value instanceof URL) return redactText(value.href)
    const toJSON = (value as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function') return copy(toJSON.call(value), ancestors, depth + 1)

    const out = {}
    for (const key of Object.keys(value)) assign(out, key, (value as Record<string, unknown>)[key], ancestors, depth, true)
    return out
  } finally {
    ancestors.delete(value)
  }
}

/** `plain`: `out` is a fresh `{}`, where only `__proto__` needs defineProperty (see `define`). */
function assign(out: object, key: string, value: unknown, ancestors: Set<object>, depth: number, plain = false): void {
  const verdict = verdictFor(key)
  const safe = verdict.secret && value !== null && value !== undefined && typeof value !== 'boolean' ? REDACTED : copy(value, ancestors, depth + 1)
  // Assignment where it is the same, as it is several times faster (the job log redacts every entry).
  if (plain && verdict.name !== '__proto__') (out as Record<string, unknown>)[verdict.name] = safe
  else define(out, verdict.name, safe)
}

// defineProperty, not assignment: a `__proto__` key from parsed JSON must stay a plain property,
// and Error subclasses may have getter-only `name`/`message` on their prototype.
function define(out: object, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
}

function copyError(error: Error, ancestors: Set<object>, depth: number): Error {
  const out = Object.create(Object.getPrototypeOf(error) as object) as Error
  define(out, 'name', redactText(String(error.name)))
  define(out, 'message', redactText(String(error.message)))
  if (typeof error.stack === 'string') define(out, 'stack', redactText(error.stack))
  for (const key of Object.keys(error)) assign(out, key, (error as unknown as Record<string, unknown>)[key], ancestors, depth)
  if (error.cause !== undefined) define(out, 'cause', copy(error.cause, ancestors, depth + 1))
  if (error instanceof AggregateError) define(out, 'errors', copy(error.errors, ancestors, depth + 1))
  return out
}
