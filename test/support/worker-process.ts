/*
 * An orchestrator worker process for the reliability suite: what `flashcard-workers orchestrator`
 * runs, on the workers package's public API, with two test knobs the CLI does not expose:
 *
 *   TEST_STALLED_INTERVAL_MS, TEST_LOCK_DURATION_MS  BullMQ stalledInterval and lockDuration, so a
 *                                                    killed worker's job is recovered in seconds
 *                                                    rather than the runbook's 30 s
 *   TEST_RESULT_MARKER_DIR                           every call of the result hook appends this
 *                                                    process's pid to <dir>/<jobId>: the side
 *                                                    effect the tests count to prove "exactly once"
 */
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '@flashcards/queue-core'
import { createLogger, installShutdown, startOrchestratorWorker } from '../../packages/workers/dist/index.js'

function positiveInt(name: string): number {
  const value = Number(process.env[name])
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(process.env[name])}`)
  return value
}

const config = loadConfig()
const markerDir = process.env.TEST_RESULT_MARKER_DIR
if (!markerDir) throw new Error('TEST_RESULT_MARKER_DIR is required')
const logger = createLogger({ name: 'reliability-worker', debug: config.logs.debug })

const worker = await startOrchestratorWorker({
  config,
  logger,
  onResult: async (_result, { jobId }) => {
    appendFileSync(join(markerDir, jobId), `${process.pid}\n`)
  },
  tuning: {
    stalledInterval: positiveInt('TEST_STALLED_INTERVAL_MS'),
    lockDuration: positiveInt('TEST_LOCK_DURATION_MS'),
  },
})
installShutdown([worker], { logger, deadlineMs: 30_000 })
