import type { Queue } from 'bullmq'
import type { RedisConnection } from '../redis.js'

/*
 * Lua scripts of the queue client. A script runs atomically, so what it reads of a job (its
 * hash and the state set that holds it) is one moment of the job, never half before and half
 * after a worker's move. Every key is under the queue's prefix, so on a cluster (hash-tagged
 * prefix) they share one slot, as BullMQ's own scripts do.
 */

/**
 * KEYS[1..6] of every script that works out a job's state, in this order. BullMQ moves a job
 * between these sets (and the wait/paused lists) inside its own scripts, so between scripts a
 * job whose hash exists is in exactly one of them, or else in the wait or paused list. So the wait
 * and paused lists (which may hold the whole backlog: LPOS on them is O(backlog)) are never
 * searched, and a state costs O(1): five ZSCOREs and an LPOS on the active list, which is as
 * long as the workers' total concurrency.
 */
const STATE_KEYS = ['completed', 'failed', 'delayed', 'prioritized', 'waiting-children', 'active'] as const

const STATE_OF = `
local function stateOf(id)
  if redis.call('ZSCORE', KEYS[1], id) then return 'completed' end
  if redis.call('ZSCORE', KEYS[2], id) then return 'failed' end
  if redis.call('ZSCORE', KEYS[3], id) then return 'delayed' end
  if redis.call('ZSCORE', KEYS[4], id) then return 'prioritized' end
  if redis.call('ZSCORE', KEYS[5], id) then return 'waiting-children' end
  if redis.call('LPOS', KEYS[6], id) then return 'active' end
  return 'waiting'
end
`

/** KEYS[7] the job hash; ARGV[1] the job id. Returns { state, { field, value, … } }, or nil when the job is gone. */
const READ_JOB = `${STATE_OF}
local fields = redis.call('HGETALL', KEYS[7])
if #fields == 0 then return false end
return { stateOf(ARGV[1]), fields }
`

/** A job's hash fields (strings, as stored) with the state it was in at the same instant. */
export interface JobSnapshot {
  state: string
  fields: Record<string, string>
}

interface ScriptCommands {
  flashcardReadJob(...keysAndArgs: string[]): Promise<[string, string[]] | null>
}

const defined = new WeakSet<object>()

/** The connection with the client's scripts defined on it (once per connection, as BullMQ defines its own). */
function scriptsOf(connection: RedisConnection): ScriptCommands {
  if (!defined.has(connection)) {
    connection.defineCommand('flashcardReadJob', { numberOfKeys: STATE_KEYS.length + 1, lua: READ_JOB, readOnly: true })
    defined.add(connection)
  }
  return connection as unknown as ScriptCommands
}

/** The state keys of `queue`, in STATE_KEYS order. */
export function stateKeys(queue: Queue): string[] {
  return STATE_KEYS.map((state) => queue.toKey(state))
}

/** Pairs a flat HGETALL reply into an object. */
export function fieldsOf(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!
  return fields
}

/** One atomic read of a job's hash and state; undefined when the job does not exist. */
export async function readJobSnapshot(connection: RedisConnection, queue: Queue, jobId: string): Promise<JobSnapshot | undefined> {
  const reply = await scriptsOf(connection).flashcardReadJob(...stateKeys(queue), queue.toKey(jobId), jobId)
  if (!reply) return undefined
  return { state: reply[0], fields: fieldsOf(reply[1]) }
}
