import http from 'node:http'
import https from 'node:https'
import { isIP } from 'node:net'
import { RefusedAddressError, WebhookNotDeliveredError, WebhookRefusedError } from '../errors.js'
import { guardedLookup, refusedRange } from '../net/address-policy.js'
import { SIGNATURE_HEADER, signWebhook } from './signature.js'
import type { WebhookEvent } from './events.js'

export interface DeliverOptions {
  secret: string
  /** ALLOW_PRIVATE_FILE_URLS: the same address policy as file downloads. */
  allowPrivate: boolean
  timeoutMs?: number
}

const DEFAULT_TIMEOUT_MS = 10_000

/**
 * POSTs one event, signed at send time (so a retry carries a fresh timestamp). A 2xx answer is
 * delivered; anything else throws so BullMQ retries with backoff. A refused address fails for
 * good: retrying will not make it public.
 */
/** A refused address fails the delivery for good: retrying will not make it public. */
const refused = (err: RefusedAddressError) => new WebhookRefusedError(err.message, { cause: err })

export async function deliverWebhook(url: string, event: WebhookEvent, options: DeliverOptions): Promise<number> {
  const target = new URL(url)
  const policy = options.allowPrivate ? () => undefined : refusedRange
  const host = target.hostname.replace(/^\[|\]$/g, '')
  const literalReason = isIP(host) === 0 ? undefined : policy(host)
  if (literalReason) throw refused(new RefusedAddressError(target.hostname, host, literalReason))
  const body = JSON.stringify(event)
  try {
    const status = await post(
      target,
      body,
      {
        'content-type': 'application/json',
        'user-agent': 'flashcard-webhooks',
        [SIGNATURE_HEADER]: signWebhook(options.secret, body),
        'flashcard-event': event.type,
        'flashcard-event-id': event.id,
      },
      guardedLookup(policy),
      options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    )
    if (status < 200 || status >= 300) throw new WebhookNotDeliveredError(`webhook receiver answered HTTP ${status}`)
    return status
  } catch (err) {
    if (err instanceof RefusedAddressError) throw refused(err)
    throw err
  }
}

function post(url: URL, body: string, headers: Record<string, string>, lookup: ReturnType<typeof guardedLookup>, timeoutMs: number): Promise<number> {
  const client = url.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    const request = client.request(url, { method: 'POST', headers, lookup, signal: AbortSignal.timeout(timeoutMs) }, (response) => {
      response.resume()
      response.once('end', () => resolve(response.statusCode ?? 0))
      response.once('error', reject)
    })
    request.once('error', reject)
    request.end(body)
  })
}
