import { REDACTED, redactText } from './job-log/redact.js'
import { RedisUrlError } from './errors.js'

/** A Redis host and port. */
export interface RedisNode {
  host: string
  port: number
}

interface Credentials {
  username?: string
  password?: string
  tls: boolean
}

/** What a REDIS_URL describes, in one of the runbook's three topologies. */
export type RedisTarget =
  | (Credentials & { kind: 'standalone'; node: RedisNode; db: number })
  | (Credentials & { kind: 'cluster'; nodes: RedisNode[] })
  | (Credentials & { kind: 'sentinel'; sentinels: RedisNode[]; masterName: string; db: number; sentinelPassword?: string })

const ALLOWED =
  'redis://[user:password@]host[:port][/db], rediss://… (TLS), a comma-separated cluster list redis://h1:6379,h2:6379, ' +
  'or redis+sentinel://[:password@]s1:26379,s2:26379/mastername[/db]'

function parseHosts(list: string, defaultPort: number): RedisNode[] {
  return list.split(',').map((entry) => {
    const hostPort = entry.trim()
    if (hostPort === '') throw new RedisUrlError(`${ALLOWED} (empty host in list)`)
    // An IPv6 literal is bracketed: [::1]:6379
    const match = /^(\[[^\]]+\]|[^:/[\]]+)(?::(\d{1,5}))?$/.exec(hostPort)
    if (!match) throw new RedisUrlError(`${ALLOWED} (cannot read host "${hostPort}")`)
    const host = match[1]!.replace(/^\[|\]$/g, '')
    const port = match[2] === undefined ? defaultPort : Number(match[2])
    if (port < 1 || port > 65535) throw new RedisUrlError(`${ALLOWED} (port ${port} out of range)`)
    return { host, port }
  })
}

function parseDb(path: string): number {
  if (path === '' || path === '/') return 0
  if (!/^\/\d{1,2}$/.test(path)) throw new RedisUrlError(`${ALLOWED} (database "${path.slice(1)}" is not a number)`)
  return Number(path.slice(1))
}

function splitAuthority(rest: string): { auth: string | undefined; hosts: string; path: string; query: string } {
  const queryAt = rest.indexOf('?')
  const query = queryAt === -1 ? '' : rest.slice(queryAt + 1)
  const beforeQuery = queryAt === -1 ? rest : rest.slice(0, queryAt)
  const at = beforeQuery.lastIndexOf('@')
  const auth = at === -1 ? undefined : beforeQuery.slice(0, at)
  const afterAuth = at === -1 ? beforeQuery : beforeQuery.slice(at + 1)
  const slash = afterAuth.indexOf('/')
  return {
    auth,
    hosts: slash === -1 ? afterAuth : afterAuth.slice(0, slash),
    path: slash === -1 ? '' : afterAuth.slice(slash),
    query,
  }
}

function parseAuth(auth: string | undefined): { username?: string; password?: string } {
  if (auth === undefined || auth === '') return {}
  const colon = auth.indexOf(':')
  const username = decodeURIComponent(colon === -1 ? auth : auth.slice(0, colon))
  const password = colon === -1 ? undefined : decodeURIComponent(auth.slice(colon + 1))
  // `redis://password@host` is a common slip; Redis URLs put the password after a colon.
  if (colon === -1) return { password: username }
  return { ...(username ? { username } : {}), ...(password ? { password } : {}) }
}

/**
 * Parses every REDIS_URL form of the runbook. Throws an Error whose message lists the accepted
 * forms; the message never contains the password.
 */
export function parseRedisUrl(url: string): RedisTarget {
  const schemeMatch = /^([a-z+]+):\/\/(.*)$/i.exec(url.trim())
  if (!schemeMatch) throw new RedisUrlError(ALLOWED)
  const scheme = schemeMatch[1]!.toLowerCase()
  // A cluster list may repeat the scheme on every node: redis://a:1,redis://b:2
  const rest = schemeMatch[2]!.replace(/,\s*[a-z+]+:\/\//gi, ',')
  const { auth, hosts, path, query } = splitAuthority(rest)
  const credentials = parseAuth(auth)

  if (scheme === 'redis+sentinel' || scheme === 'rediss+sentinel') {
    const segments = path.split('/').filter(Boolean)
    const masterName = segments[0]
    if (!masterName) throw new RedisUrlError(`${ALLOWED} (the sentinel URL needs the master name after the hosts)`)
    const params = new URLSearchParams(query)
    const sentinelPassword = params.get('sentinelPassword') ?? undefined
    return {
      kind: 'sentinel',
      sentinels: parseHosts(hosts, 26379),
      masterName: decodeURIComponent(masterName),
      db: segments[1] === undefined ? 0 : parseDb(`/${segments[1]}`),
      tls: scheme === 'rediss+sentinel',
      ...credentials,
      ...(sentinelPassword ? { sentinelPassword } : {}),
    }
  }
  if (scheme !== 'redis' && scheme !== 'rediss') throw new RedisUrlError(ALLOWED)

  const tls = scheme === 'rediss'
  const nodes = parseHosts(hosts, 6379)
  if (nodes.length > 1) {
    if (path !== '' && path !== '/') throw new RedisUrlError(`${ALLOWED} (a cluster has no database number)`)
    return { kind: 'cluster', nodes, tls, ...credentials }
  }
  return { kind: 'standalone', node: nodes[0]!, db: parseDb(path), tls, ...credentials }
}

/**
 * The URL with its credentials replaced, safe for messages and logs. The password ends at the
 * last `@` before the query, as `parseRedisUrl` reads it, so one containing `@` or `/` is hidden
 * whole; `redis://secret@host` (no colon) is read as a password and hidden too.
 */
export function redactRedisUrl(url: string): string {
  const schemeMatch = /^([a-z+]+:\/\/)(.*)$/is.exec(url)
  if (!schemeMatch) return redactText(url)
  const [, scheme, rest] = schemeMatch as unknown as [string, string, string]
  const queryAt = rest.indexOf('?')
  const at = rest.lastIndexOf('@', queryAt === -1 ? undefined : queryAt)
  if (at === -1) return redactText(url)
  const auth = rest.slice(0, at)
  const colon = auth.indexOf(':')
  const user = colon === -1 ? '' : `${auth.slice(0, colon)}:`
  return redactText(`${scheme}${user}${REDACTED}${rest.slice(at)}`)
}
