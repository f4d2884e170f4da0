import type { Queue } from 'bullmq'
import type { RedisConnection } from '../redis.js'
import { DROP_JOB, READ_INDEX, READ_JOB, STATE_KEYS } from './lua.js'

type Reply<T> = Promise<T>

/** The client's Lua scripts as ioredis commands (on a connection, and on its MULTIs). */
export interface ScriptCommands {
  flashcardReadJob(...keysAndArgs: (string | number)[]): Reply<[string, string[]] | null>
  flashcardReadIndex(...keysAndArgs: (string | number)[]): Reply<[number, number, number, [string, string, string[]][]]>
  flashcardDropJob(...keysAndArgs: (string | number)[]): Reply<number>
}

const defined = new WeakSet<object>()

/**
 * The connection with the client's scripts defined on it, once per connection (as BullMQ defines
 * its own on the same connection). A MULTI opened on the connection afterwards has them too.
 */
export function scriptsOf(connection: RedisConnection): ScriptCommands {
  if (!defined.has(connection)) {
    const states = STATE_KEYS.length
    connection.defineCommand('flashcardReadJob', { numberOfKeys: states + 1, lua: READ_JOB, readOnly: true })
    connection.defineCommand('flashcardReadIndex', { numberOfKeys: states + 1, lua: READ_INDEX })
    connection.defineCommand('flashcardDropJob', { numberOfKeys: 1, lua: DROP_JOB })
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

/** A job's hash fields (strings, as stored) with the state it was in at the same instant. */
export interface JobSnapshot {
  state: string
  fields: Record<string, string>
}

/** One atomic read of a job's hash and state; undefined when the job does not exist. */
export async function readJobSnapshot(connection: RedisConnection, queue: Queue, jobId: string): Promise<JobSnapshot | undefined> {
  const reply = await scriptsOf(connection).flashcardReadJob(...stateKeys(queue), queue.toKey(jobId), jobId)
  if (!reply) return undefined
  return { state: reply[0], fields: fieldsOf(reply[1]) }
}
