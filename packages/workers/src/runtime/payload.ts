import type { Job } from 'bullmq'
import type { Static, TSchema } from 'typebox'
import { assertValid, FlashcardError } from '@flashcards/queue-core'
import { InvalidJobError } from '../errors.js'

/**
 * A job's data checked against queue-core's TypeBox schema (the one the API validates requests
 * with): ids by pattern, so no path separator or `..` reaches a file path or a Redis key. Anyone
 * with access to Redis can add a job, so the worker trusts no enqueuer: a payload that does not
 * match fails its job at once (unrecoverable), naming the job and every bad field, before the
 * processor touches anything.
 */
export function jobPayload<T extends TSchema>(schema: T, job: Pick<Job, 'name' | 'data'>): Static<T> {
  try {
    return assertValid(schema, job.data, 'job.data')
  } catch (err) {
    if (!(err instanceof FlashcardError)) throw err
    const problems = (err.details as { problems?: string[] } | undefined)?.problems ?? [err.message]
    throw new InvalidJobError(`Invalid ${job.name} job payload: ${problems.join('; ')}`, { details: { problems } })
  }
}
