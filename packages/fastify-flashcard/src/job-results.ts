import Type from 'typebox'
import { Compile, type Validator } from 'typebox/compile'
import { CourseResult, ModuleResult, TranscriptionResult, type JobStatus, type QueueName } from '@flashcards/queue-core'

/** How a job's `error` starts when its stored result cannot be served. */
export const RESULT_UNREADABLE = 'RESULT_UNREADABLE'

/** The results each queue's job routes document, as the response serializer checks them. */
const RESULT_SCHEMAS: Record<QueueName, () => Validator> = {
  orchestrator: () => Compile(Type.Union([ModuleResult, CourseResult])),
  transcription: () => Compile(TranscriptionResult),
}
// Compiled on first use: a host that never reads a job pays nothing at start-up.
const validators = new Map<QueueName, Validator>()

function fits(queue: QueueName, result: unknown): boolean {
  let validator = validators.get(queue)
  if (!validator) validators.set(queue, (validator = RESULT_SCHEMAS[queue]()))
  return validator.Check(result)
}

/**
 * A job as the API can serve it. A completed job whose stored result fits none of the result
 * schemas of this version (written by an older worker, or by hand) would make the response
 * serializer answer 500, for that job and for every page listing it; it is served with
 * `result: null` and an `error` that starts with RESULT_UNREADABLE and says where its cards are.
 */
export function servableJob(status: JobStatus): JobStatus {
  if (status.result === null || fits(status.queue, status.result)) return status
  const cards = status.queue === 'orchestrator' && status.module_id ? `; its cards are in the module's deck (GET /decks/${status.course_id}/${status.module_id})` : ''
  return {
    ...status,
    result: null,
    error: `${RESULT_UNREADABLE}: the job completed, but its stored result does not match the result schema of this API version (written by an older worker?)${cards}`,
  }
}
