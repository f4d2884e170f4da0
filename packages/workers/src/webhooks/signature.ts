import { createHmac, timingSafeEqual } from 'node:crypto'

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as Stripe signs its webhooks. */
export const SIGNATURE_HEADER = 'flashcard-signature'
/** How old a signature a receiver should accept, against replays. */
export const SIGNATURE_TOLERANCE_SECONDS = 300

export function signWebhook(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
  return `t=${timestamp},v1=${mac}`
}

/**
 * True when the header signs this exact body with the secret and its time is within the
 * tolerance of now. What a receiver runs (the README has the same check without this package).
 */
export function verifyWebhook(
  secret: string,
  body: string,
  header: string | undefined,
  { toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS, now = Math.floor(Date.now() / 1000) } = {},
): boolean {
  const parts = new Map((header ?? '').split(',').map((part) => part.trim().split('=', 2) as [string, string]))
  const timestamp = Number(parts.get('t'))
  const given = parts.get('v1') ?? ''
  if (!Number.isInteger(timestamp) || Math.abs(now - timestamp) > toleranceSeconds) return false
  const expected = signWebhook(secret, body, timestamp).split('v1=')[1]!
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))
}
