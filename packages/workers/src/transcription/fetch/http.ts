import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'
import { isIP } from 'node:net'
import { FileProblem, RefusedAddressError } from '../../errors.js'
import { guardedLookup, refusedRange } from '../../net/address-policy.js'
import { permanent, transient, isTransientNetworkError } from '../errors.js'
import { lastSegment, type FetchedFile, type FetchLimits } from './types.js'

/** Declared types a course file may come with; anything else (JSON, images, archives) is refused before download. */
const ACCEPTED_CONTENT_TYPE =
  /^(?:text\/[\w.+-]+|audio\/[\w.+-]+|video\/[\w.+-]+|application\/(?:pdf|octet-stream|x-subrip|xhtml\+xml|mp4|ogg|vnd\.openxmlformats-officedocument\.wordprocessingml\.document)|binary\/octet-stream)$/i

export interface HttpFetchOptions extends FetchLimits {
  allowPrivate: boolean
  signal: AbortSignal
  /** Why an address is refused (default: private, loopback, link-local… ranges); tests narrow it. */
  addressPolicy?: (address: string) => string | undefined
}

/**
 * Downloads an http(s) URL: every hop's address checked at connect time (and IP literals before
 * it), redirects bounded, declared type and size checked before reading, the body cut off at
 * `maxBytes`, the whole download bounded by `timeoutMs`.
 */
export async function fetchHttp(start: URL, options: HttpFetchOptions): Promise<FetchedFile> {
  const deadline = AbortSignal.timeout(options.timeoutMs)
  const signal = AbortSignal.any([options.signal, deadline])
  const policy = options.allowPrivate ? () => undefined : (options.addressPolicy ?? refusedRange)
  const lookup = guardedLookup(policy)
  let url = start
  try {
    for (let redirects = 0; ; redirects++) {
      checkLiteralHost(url, policy)
      const response = await get(url, lookup, signal)
      const status = response.statusCode ?? 0
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume()
        if (redirects >= options.maxRedirects) throw permanent(`more than ${options.maxRedirects} redirects`)
        url = new URL(response.headers.location, url)
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw permanent(`redirected to an unsupported ${url.protocol} URL`)
        continue
      }
      if (status >= 400) {
        response.resume()
        throw httpStatusProblem(status, response.statusMessage)
      }
      return await readBody(url, response, options.maxBytes)
    }
  } catch (err) {
    if (options.signal.aborted) throw options.signal.reason
    if (deadline.aborted) throw transient(`download timed out after ${options.timeoutMs} ms`, err)
    if (err instanceof FileProblem) throw err
    throw networkProblem(err)
  }
}

function checkLiteralHost(url: URL, policy: (address: string) => string | undefined): void {
  // A literal address never goes through `lookup`, so it is checked here.
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (isIP(host) === 0) return
  const reason = policy(host)
  if (reason) throw new RefusedAddressError(url.hostname, host, reason)
}

function get(url: URL, lookup: ReturnType<typeof guardedLookup>, signal: AbortSignal): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    const request = client.get(url, {
      lookup,
      signal,
      headers: { 'user-agent': 'flashcard-transcription-worker', accept: '*/*' },
    })
    request.once('response', resolve)
    request.once('error', reject)
  })
}

function httpStatusProblem(status: number, text: string | undefined): FileProblem {
  const message = `HTTP ${status}${text ? ` ${text}` : ''}`
  // Servers that are overloaded or briefly down may answer next time; a missing or forbidden file will not.
  if (status >= 500 || status === 408 || status === 429) return transient(message)
  return permanent(message)
}

function networkProblem(err: unknown): FileProblem {
  const error = err as NodeJS.ErrnoException
  if (err instanceof RefusedAddressError) return permanent(err.message, err)
  if (isTransientNetworkError(err)) return transient(`connection failed (${error.code}): ${error.message}`, err)
  if (error.code === 'ECONNREFUSED') return permanent(`unreachable: connection refused`, err)
  if (error.code === 'ENOTFOUND') return permanent(`unreachable: host not found`, err)
  return permanent(`unreachable: ${error.message}`, err)
}

async function readBody(url: URL, response: IncomingMessage, maxBytes: number): Promise<FetchedFile> {
  const mimeType = response.headers['content-type']?.split(';')[0]?.trim().toLowerCase() || undefined
  if (mimeType && !ACCEPTED_CONTENT_TYPE.test(mimeType)) {
    response.resume()
    throw permanent(`the server sent content type ${mimeType}, which is not a course file (expected text, html, pdf, docx, subtitles, audio or video)`)
  }
  const declared = Number(response.headers['content-length'])
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy()
    throw permanent(`the file is ${declared} bytes, larger than the ${maxBytes}-byte limit (MAX_FILE_BYTES)`)
  }
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of response) {
    total += (chunk as Buffer).length
    if (total > maxBytes) {
      response.destroy()
      throw permanent(`the file is larger than the ${maxBytes}-byte limit (MAX_FILE_BYTES)`)
    }
    chunks.push(chunk as Buffer)
  }
  const bytes = new Uint8Array(Buffer.concat(chunks, total))
  return { bytes, filename: lastSegment(url.pathname), ...(mimeType ? { mimeType } : {}) }
}
