/**
 * Every progress step of the orchestrator's jobs, in one table: the step name clients see, the
 * percentage, and the message. Module jobs: load → normalise → chunk → stageA (15–60 %, per call)
 * → stageB → topUp → validate → done. Course jobs: list_modules → enqueue_module (10–100 %).
 */
export interface ProgressReport {
  percent: number
  step: string
  message: string
}

export type ProgressFn = (percent: number, step: string, message: string, data?: Record<string, unknown>) => Promise<void>

const between = (from: number, to: number, done: number, total: number) => from + Math.round(((to - from) * done) / Math.max(1, total))

export const PROGRESS = {
  listModules: (courseId: string, modules: number): ProgressReport => ({
    percent: 10,
    step: 'list_modules',
    message: `Course ${courseId} has ${modules} module(s)`,
  }),
  enqueueModule: (done: number, total: number, moduleId: string, jobId: string, deduplicated: boolean): ProgressReport => ({
    percent: between(10, 100, done, total),
    step: 'enqueue_module',
    message: `Module ${moduleId}: job ${jobId}${deduplicated ? ' (already queued)' : ''}`,
  }),
  loadContent: (documents: number, from: string): ProgressReport => ({
    percent: 5,
    step: 'load_content',
    message: `Loaded ${documents} document(s) from ${from}`,
  }),
  normalise: (documents: number): ProgressReport => ({ percent: 10, step: 'normalise', message: `Normalised ${documents} document(s)` }),
  chunk: (chunks: number, calls: number): ProgressReport => ({
    percent: 15,
    step: 'chunk',
    message: `Split into ${chunks} chunk(s), read in ${calls} stage-A call(s)`,
  }),
  stageA: (done: number, total: number, chunkId: string, concepts: number): ProgressReport => ({
    percent: between(15, 60, done, total),
    step: 'stageA',
    message: `Key concepts of ${chunkId}: ${concepts}`,
  }),
  stageB: (drafts: number): ProgressReport => ({ percent: 80, step: 'stageB', message: `Card drafts: ${drafts}` }),
  topUp: (round: number, missing: number, concepts: number): ProgressReport => ({
    percent: 80 + 5 * round,
    step: 'topUp',
    message: `Top-up round ${round}: asking for ${missing} more card(s) from ${concepts} concept(s) without one`,
  }),
  validate: (kept: number, drafts: number): ProgressReport => ({ percent: 95, step: 'validate', message: `Kept ${kept} card(s) of ${drafts}` }),
  done: (cards: number, moduleId: string, shortfall?: string): ProgressReport => ({
    percent: 100,
    step: 'done',
    message: `${cards} card(s) for module ${moduleId}${shortfall ? `; ${shortfall}` : ''}`,
  }),
} satisfies Record<string, (...args: never[]) => ProgressReport>

/** Sends one row of the table, with its data, to the job's progress. */
export function report(progress: ProgressFn, { percent, step, message }: ProgressReport, data?: Record<string, unknown>): Promise<void> {
  return progress(percent, step, message, data)
}
