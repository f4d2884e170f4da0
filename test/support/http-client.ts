/**
 * A small HTTP client for the reliability suite: real requests on loopback with their latency,
 * and raw requests (node:http, no URL normalisation) for hostile paths and headers.
 */
import { Agent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http'

export interface ApiResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: any
  ms: number
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 })

/**
 * Sends one request exactly as given: the path is not normalised (`..` and `%2e` reach the
 * server), headers are sent verbatim, the body is raw bytes or text. Times out after `timeoutMs`.
 * `fresh`: a new connection instead of a pooled keep-alive one.
 */
export function rawRequest(
  base: string,
  method: string,
  path: string,
  options: { headers?: OutgoingHttpHeaders; body?: string | Buffer; timeoutMs?: number; fresh?: boolean } = {},
): Promise<ApiResponse> {
  const url = new URL(base)
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: `${url.pathname}${path}`,
        headers: { ...(options.body !== undefined ? { 'content-length': Buffer.byteLength(options.body) } : {}), ...options.headers },
        // A fresh connection per request when the server may close it after answering (431, 413).
        agent: options.fresh ? false : agent,
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let body: unknown = text
          try {
            body = JSON.parse(text)
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: performance.now() - started })
        })
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${options.timeoutMs ?? 10_000} ms`)))
    req.on('error', reject)
    if (options.body !== undefined) req.write(options.body)
    req.end()
  })
}

/** A JSON request with an optional bearer token. */
export function apiRequest(base: string, method: string, path: string, token?: string, json?: unknown, timeoutMs?: number): Promise<ApiResponse> {
  return rawRequest(base, method, path, {
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  })
}

/** Runs `task` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index]!, index)
    }
  })
  await Promise.all(lanes)
  return results
}

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

/** Ends the keep-alive sockets so the test process can exit. */
export function closeHttpAgent(): void {
  agent.destroy()
}
