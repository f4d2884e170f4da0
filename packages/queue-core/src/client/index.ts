export { FlashcardQueues } from './flashcard-queues.js'
export { checkTarget } from './request-rules.js'
export type { WorkerQueues } from './worker-queues.js'
export type { CancelOutcome, EnqueuedJob, FlashcardQueuesOptions, JobPage, ListJobsQuery } from './types.js'
