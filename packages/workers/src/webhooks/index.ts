import { Queue, Worker, type Job } from 'bullmq'
import { closeRedis, isClusterUrl, queuePrefixFor, type DeckStore, type FlashcardConfig } from '@flashcards/queue-core'
import { watchedRedis } from '../runtime/connections.js'
import type { Logger } from '../runtime/logger.js'
import { createOutageLog } from '../runtime/outage-log.js'
import { deliverWebhook } from './deliver.js'
import { jobPayload } from '../runtime/payload.js'
import { deliveryId, WebhookJobDataSchema, WEBHOOK_ATTEMPTS, WEBHOOK_BACKOFF_MS, WEBHOOK_QUEUE, type WebhookEvent, type WebhookEventType, type WebhookJobData } from './events.js'

export { signWebhook, verifyWebhook, SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECONDS } from './signature.js'
export { WEBHOOK_QUEUE, WEBHOOK_ATTEMPTS, type WebhookEvent, type WebhookEventType, type WebhookJobData } from './events.js'

export interface WebhooksOptions {
  config: Readonly<FlashcardConfig>
  logger: Logger
  deckStore: DeckStore
  /** First retry delay (doubling after); tests shorten it. */
  backoffMs?: number
}

/** Announces job outcomes: one signed delivery job per target URL, sent by its own worker. */
export interface Webhooks {
  announce(job: Job, type: WebhookEventType, error?: string): Promise<void>
  close(): Promise<void>
}

interface AnnouncedJobData {
  course_id?: string
  module_id?: string
  owner?: { tenant?: string }
  callback_url?: string
}

/**
 * Starts the webhook queue and its worker. Deliveries retry with exponential backoff
 * (WEBHOOK_ATTEMPTS tries), survive a worker restart like any BullMQ job, and go only to
 * addresses the file-download policy allows.
 */
export async function startWebhooks(options: WebhooksOptions): Promise<Webhooks> {
  const { config, logger, deckStore } = options
  const prefix = queuePrefixFor(config.queue.prefix, isClusterUrl(config.redis.url))
  const outage = createOutageLog(logger, 'redis unavailable for webhooks')
  const producer = watchedRedis(config, 'flashcard-webhooks', outage)
  const consumer = watchedRedis(config, 'flashcard-webhooks-worker', outage)
  const queue = new Queue<WebhookJobData>(WEBHOOK_QUEUE, { connection: producer, prefix })
  // A Queue re-emits its connection's errors; without a listener BullMQ prints each one.
  queue.on('error', (err) => outage.error(err, { source: 'webhook queue' }))
  const secret = config.webhooks.secret
  const worker = new Worker<WebhookJobData>(
    WEBHOOK_QUEUE,
    async (job) => {
      const data = jobPayload(WebhookJobDataSchema, job) as WebhookJobData
      return deliverWebhook(data.url, data.event, { secret: secret ?? '', allowPrivate: config.worker.allowPrivateFileUrls })
    },
    { connection: consumer, prefix, concurrency: 4 },
  )
  worker.on('failed', (job, err) => logger.warn({ url: job?.data.url, attempt: job?.attemptsMade, err: err.message }, 'webhook delivery failed'))
  worker.on('error', (err) => outage.error(err, { source: 'webhook worker' }))
  await worker.waitUntilReady()

  const announce = async (job: Job, type: WebhookEventType, error?: string): Promise<void> => {
    const data = (job.data ?? {}) as AnnouncedJobData
    const urls = [...new Set([data.callback_url, config.webhooks.url].filter((url): url is string => typeof url === 'string'))]
    if (urls.length === 0) return
    if (!secret) {
      logger.warn({ jobId: job.id }, 'webhook not sent: WEBHOOK_SECRET is not set, and every webhook must be signed')
      return
    }
    const key = { tenant: data.owner?.tenant ?? '', course_id: data.course_id ?? '', module_id: data.module_id ?? '' }
    const event: WebhookEvent = {
      id: `${job.id}-${type === 'job.completed' ? 'completed' : 'failed'}`,
      type,
      created_at: new Date().toISOString(),
      data: {
        job_id: String(job.id),
        tenant: key.tenant,
        course_id: key.course_id,
        module_id: data.module_id ?? null,
        deck: data.module_id ? await deckStore.getSummary(key) : null,
        ...(error !== undefined ? { error } : {}),
      },
    }
    const backoff = { type: 'exponential', delay: options.backoffMs ?? WEBHOOK_BACKOFF_MS }
    await queue.addBulk(
      urls.map((url) => ({
        name: 'deliver',
        data: { url, event },
        opts: { jobId: deliveryId(event, url), attempts: WEBHOOK_ATTEMPTS, backoff, removeOnComplete: { age: 86_400, count: 1_000 }, removeOnFail: { age: 7 * 86_400 } },
      })),
    )
  }

  return {
    announce,
    close: async () => {
      await worker.close()
      await queue.close()
      await Promise.all([closeRedis(producer), closeRedis(consumer)])
    },
  }
}
