import { createHmac } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { waitFor } from '@flashcards/test-support'
import { TEST_REDIS_URL } from '@flashcards/test-support/redis'
import { SIGNATURE_HEADER, verifyWebhook, WEBHOOK_QUEUE, type WebhookEvent } from '../src/webhooks/index.js'
import { orchestratorHarness } from './orchestrator/harness.js'

const SECRET = 'whsec-test-secret'
const TEXT = 'A payslip is the monthly statement of what an employee earned and what was deducted.\n\nGross pay is the amount earned before tax and other deductions.'

interface Received {
  headers: IncomingMessage['headers']
  body: string
}

/** A real receiver on loopback: answers 500 to the first POST, 200 after, and resolves each POST in turn. */
async function receiver(t: { teardown(fn: () => unknown): void }) {
  const seen: Received[] = []
  const waiters: ((r: Received) => void)[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      const received = { headers: req.headers, body }
      seen.push(received)
      res.statusCode = seen.length === 1 ? 500 : 200
      res.end()
      waiters.shift()?.(received)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => server.close(resolve)))
  const next = () => new Promise<Received>((resolve) => waiters.push(resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, seen, next }
}

t.test('a completed job is announced, signed, and retried after a 500', async (t) => {
  const hook = await receiver(t)
  const h = await orchestratorHarness(t, { WEBHOOK_SECRET: SECRET, ALLOW_PRIVATE_FILE_URLS: 'true' })
  await h.start({ webhookBackoffMs: 50 })
  const firstPost = hook.next()
  const secondPost = hook.next()
  const [job] = await h.generate({
    mode: 'single_module',
    target: { course_id: 'course-hook', module_id: 'mod-hook' },
    settings: { target_card_count: 2, card_types: ['basic'] },
    content: { format: 'text', text: TEXT },
    callback_url: hook.url,
  })
  const first = await firstPost
  const retry = await secondPost
  t.equal(hook.seen.length, 2, 'the 500 was retried once, then accepted')
  t.equal(retry.body, first.body, 'the retry carries the same event')
  for (const post of [first, retry]) {
    const header = String(post.headers[SIGNATURE_HEADER])
    t.match(header, /^t=\d+,v1=[0-9a-f]{64}$/, 'Stripe-style signature header')
    t.ok(verifyWebhook(SECRET, post.body, header), 'the signature verifies')
    // The README's receiver check, by hand: HMAC-SHA256 over "<t>.<body>".
    const [, ts, mac] = /^t=(\d+),v1=([0-9a-f]+)$/.exec(header)!
    t.equal(createHmac('sha256', SECRET).update(`${ts}.${post.body}`).digest('hex'), mac)
    t.notOk(verifyWebhook('another-secret', post.body, header), 'a wrong secret fails')
    t.notOk(verifyWebhook(SECRET, post.body.replace('mod-hook', 'mod-evil'), header), 'a changed body fails')
    t.notOk(verifyWebhook(SECRET, post.body, header, { now: Number(ts) + 301 }), 'a replay after five minutes fails')
  }
  const event = JSON.parse(first.body) as WebhookEvent
  const done = await h.finished(job!.job_id)
  t.match(event, {
    id: `${job!.job_id}-completed`,
    type: 'job.completed',
    data: {
      job_id: job!.job_id,
      tenant: 'acme',
      course_id: 'course-hook',
      module_id: 'mod-hook',
      deck: { module_id: 'mod-hook', revision: 1, card_count: (done.returnvalue as { cards: unknown[] }).cards.length, counts: { approved: 0 } },
    },
  })
  t.equal(first.headers['flashcard-event'], 'job.completed')
})

t.test('a job that fails for good is announced too', async (t) => {
  const hook = await receiver(t)
  const h = await orchestratorHarness(t, { WEBHOOK_SECRET: SECRET, WEBHOOK_URL: 'http://placeholder.invalid/', ALLOW_PRIVATE_FILE_URLS: 'true' })
  await h.start({ webhookBackoffMs: 50 })
  const posts = [hook.next(), hook.next()]
  const [job] = await h.generate({ mode: 'single_module', target: { course_id: 'course-hook', module_id: 'no-such-module' }, callback_url: hook.url })
  const [, accepted] = await Promise.all(posts)
  const event = JSON.parse(accepted!.body) as WebhookEvent
  t.match(event, { type: 'job.failed', data: { job_id: job!.job_id, module_id: 'no-such-module', deck: null, error: /no-such-module/ } })
})

t.test('a private address gets nothing while ALLOW_PRIVATE_FILE_URLS is off', async (t) => {
  const hook = await receiver(t)
  const h = await orchestratorHarness(t, { WEBHOOK_SECRET: SECRET })
  await h.start({ webhookBackoffMs: 50 })
  const [job] = await h.generate({
    mode: 'single_module',
    target: { course_id: 'course-hook', module_id: 'mod-private' },
    settings: { target_card_count: 1, card_types: ['basic'] },
    content: { format: 'text', text: TEXT },
    callback_url: hook.url,
  })
  await h.finished(job!.job_id)
  const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null })
  const webhooks = new Queue(WEBHOOK_QUEUE, { connection, prefix: h.prefix })
  t.teardown(async () => {
    await webhooks.close()
    connection.disconnect()
  })
  const failed = await waitFor('the webhook delivery to fail', async () => (await webhooks.getFailed())[0], 20_000)
  t.match(failed.failedReason, /refused to fetch from 127\.0\.0\.1: it resolves to 127\.0\.0\.1, a loopback address/)
  t.equal(failed.attemptsMade, 1, 'refused at once, not retried')
  t.equal(hook.seen.length, 0, 'nothing was sent')
})
