import { setTimeout as sleep } from 'node:timers/promises'
import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { defaultJobOptions, FlashcardQueues, JOB_NAMES, resolveSettings, type ModuleJobData } from '@flashcards/queue-core'
import { commandStats } from './redis.js'

export const OWNER = { tenant: 'bench-tenant', principal: 'bench' }

/** A small module carried in the job: one chunk, distinct per job so the stage cache never answers. */
export function inlineModule(index: number, runId: string): Omit<ModuleJobData, 'kind'> {
  return {
    module_id: `mod-${runId}-${index}`,
    course_id: 'course-bench',
    settings: resolveSettings({ target_card_count: 1, card_types: ['basic'] }),
    owner: OWNER,
    content: {
      format: 'markdown',
      text: `# Widget ${index}\n\nThe widget ${index} of run ${runId} is the part that holds the frame together. It was first used in ${1900 + (index % 100)}.\n`,
    },
  }
}

/** Enqueues `count` module jobs through the system's client (deduplication key and stats included). */
export async function enqueueModules(queues: FlashcardQueues, count: number, runId: string, parallel = 64): Promise<void> {
  // Connected first: parallel calls before the first connect would each wait on it separately.
  await queues.ready()
  let next = 0
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const index = next++
        await queues.enqueueModule(inlineModule(index, runId))
      }
    }),
  )
}

/** The same jobs through a bare BullMQ Queue, with the same retention options. */
export async function enqueueBare(redisUrl: string, prefix: string, count: number, runId: string): Promise<void> {
  const queue = new Queue('orchestrator', { connection: { url: redisUrl }, prefix, defaultJobOptions: defaultJobOptions(3) })
  for (let start = 0; start < count; start += 500) {
    const batch = Array.from({ length: Math.min(500, count - start) }, (_, offset) => ({
      name: JOB_NAMES.module,
      data: { kind: 'module', ...inlineModule(start + offset, runId) },
    }))
    await queue.addBulk(batch)
  }
  await queue.close()
}

export interface Drain {
  seconds: number
  /** Commands of every kind Redis ran from the first job taken to the queue being empty (the bench's own polling subtracted). */
  commands: Record<string, number>
  failed: number
}

/**
 * Times a pre-filled queue being worked off: from the first job leaving `wait` to `wait` and
 * `active` both empty, polled every `everyMs` with LLEN/ZCARD calls the counts exclude. `start`
 * (e.g. spawning the worker) runs after the command-count snapshot.
 */
export async function timeDrain(
  client: Redis,
  prefix: string,
  total: number,
  options: { timeoutMs: number; start?: () => Promise<unknown>; everyMs?: number; onError?: () => string },
): Promise<Drain> {
  const everyMs = options.everyMs ?? 10
  const key = (name: string) => `${prefix}:orchestrator:${name}`
  let polls = 0
  const lengths = async () => {
    polls++
    const [[, waiting], [, active], [, delayed]] = (await client.pipeline().llen(key('wait')).llen(key('active')).zcard(key('delayed')).exec()) as [
      [null, number],
      [null, number],
      [null, number],
    ]
    return { waiting, active, delayed }
  }
  const before = await commandStats(client)
  // Started after the snapshot: the worker's connection set-up counts as part of its cost.
  await options.start?.()
  const deadline = Date.now() + options.timeoutMs
  let started: number | undefined
  for (;;) {
    const { waiting, active, delayed } = await lengths()
    if (started === undefined && (waiting < total || active > 0)) started = performance.now()
    if (started !== undefined && waiting === 0 && active === 0 && delayed === 0) break
    // A failed attempt waits out its backoff in `delayed`: a broken run, not a fast one.
    if (delayed > 0) throw new Error(`${delayed} job(s) failed an attempt and wait for a retry: the run is broken\n${options.onError?.() ?? ''}`)
    if (Date.now() > deadline) throw new Error(`queue not drained after ${options.timeoutMs} ms (waiting ${waiting}, active ${active})`)
    await sleep(everyMs)
  }
  const seconds = (performance.now() - started) / 1000
  const after = await commandStats(client)
  const commands: Record<string, number> = {}
  for (const [name, calls] of Object.entries(after)) {
    const delta = calls - (before[name] ?? 0) - (name === 'llen' ? 2 * polls : 0) - (name === 'zcard' ? polls : 0) - (name === 'info' ? 1 : 0)
    if (delta > 0) commands[name] = delta
  }
  const failed = await client.zcard(key('failed'))
  return { seconds, commands, failed }
}

export function perJob(commands: Record<string, number>, jobs: number): { total: number; byCommand: Record<string, number> } {
  const byCommand: Record<string, number> = {}
  let total = 0
  for (const [name, calls] of Object.entries(commands).sort((a, b) => b[1] - a[1])) {
    byCommand[name] = round(calls / jobs, 2)
    total += calls
  }
  return { total: round(total / jobs, 1), byCommand }
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
