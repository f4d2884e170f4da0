import { createHash } from 'node:crypto'
import Type from 'typebox'
import { CallbackUrl, CourseId, Identifier, JOB_ID_PATTERN, type DeckSummary } from '@flashcards/queue-core'

export type WebhookEventType = 'job.completed' | 'job.failed'

/** The JSON body of every webhook. */
export interface WebhookEvent {
  /** Unique per job and outcome: a receiver that sees it twice (a retried delivery) can ignore the second. */
  id: string
  type: WebhookEventType
  created_at: string
  data: {
    job_id: string
    tenant: string
    course_id: string
    /** Null for a course job (it fans out into module jobs, which announce themselves). */
    module_id: string | null
    /** The module's deck after the job: latest revision and review counts; null when there is none. */
    deck: DeckSummary | null
    /** Why the job failed (job.failed only). */
    error?: string
  }
}

/** One delivery: a BullMQ job of the webhooks queue. */
export interface WebhookJobData {
  url: string
  event: WebhookEvent
}

/**
 * What the webhook worker accepts as a delivery job: the shape `announce` writes, URLs as the
 * API accepts callback URLs. A job added to the queue by anyone else must look the same or fail.
 */
export const WebhookJobDataSchema = Type.Object(
  {
    url: CallbackUrl,
    event: Type.Object(
      {
        id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}-(completed|failed)$' }),
        type: Type.Union([Type.Literal('job.completed'), Type.Literal('job.failed')]),
        created_at: Type.String({ maxLength: 40 }),
        data: Type.Object(
          {
            job_id: Type.String({ pattern: JOB_ID_PATTERN }),
            tenant: Type.String({ maxLength: 128 }),
            course_id: Type.Union([CourseId, Type.Literal('')]),
            module_id: Type.Union([Identifier, Type.Null()]),
            deck: Type.Union([Type.Object({}), Type.Null()]),
            error: Type.Optional(Type.String({ maxLength: 20_000 })),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)

export const WEBHOOK_QUEUE = 'webhooks'
export const WEBHOOK_ATTEMPTS = 8
export const WEBHOOK_BACKOFF_MS = 2_000

/** A BullMQ job id per (event, url), so a repeated announcement of one outcome is queued once. */
export function deliveryId(event: WebhookEvent, url: string): string {
  return `${event.id}-${createHash('sha256').update(url).digest('hex').slice(0, 16)}`
}
