/*
 * Lua sources of the queue client's scripts (registered in scripts.ts). A script runs
 * atomically, so what it reads of a job (its hash and the state set that holds it) is one moment
 * of the job, never half before and half after a worker's move. Every key is under the queue's
 * prefix, so on a cluster (hash-tagged prefix) they share one slot; like BullMQ's own scripts,
 * some keys are derived inside the script from a prefix passed in.
 */

/**
 * KEYS[1..5] of every script that works out a job's state, in this order. BullMQ moves a job
 * between its sets and lists inside its own scripts, so between scripts a job whose hash exists
 * is in exactly one of them: if in none of these five, it is in the wait or paused list or the
 * prioritized set, all "waiting" to the API. The wait and paused lists (which may hold the whole
 * backlog: LPOS on them is O(backlog)) are therefore never searched, and a state costs O(1):
 * four ZSCOREs and an LPOS on the active list, which is as long as the workers' concurrency.
 */
export const STATE_KEYS = ['completed', 'failed', 'delayed', 'waiting-children', 'active'] as const

/** The state, in the API's names. */
const STATE_OF = `
local function stateOf(id)
  if redis.call('ZSCORE', KEYS[1], id) then return 'completed' end
  if redis.call('ZSCORE', KEYS[2], id) then return 'failed' end
  if redis.call('ZSCORE', KEYS[3], id) then return 'delayed' end
  if redis.call('ZSCORE', KEYS[4], id) then return 'waiting-children' end
  if redis.call('LPOS', KEYS[5], id) then return 'active' end
  return 'waiting'
end
`

/** KEYS[6] the job hash; ARGV[1] the job id. Returns { state, { field, value, … } }, or nil when the job is gone. */
export const READ_JOB = `${STATE_OF}
local fields = redis.call('HGETALL', KEYS[6])
if #fields == 0 then return false end
return { stateOf(ARGV[1]), fields }
`

/*
 * The tenant index: per tenant a sorted set of its jobs (score: the job's creation time in ms),
 * and beside it one per course (`<tenant index>:c:<course>`) and one per module
 * (`<tenant index>:m:<module>`), so a list reads only the caller's own jobs. A member is `<job id>:<course>:<module>` (none of the three
 * holds a colon; the module is empty for a course job), the same in all three sets, so a member
 * found stale in any of them is dropped from all three. This is the only place the layout is
 * written down.
 */
const INDEX_LAYOUT = `
local function parts(member)
  return string.match(member, '^([^:]*):([^:]*):([^:]*)$')
end
local function indexKey(tenantKey, kind, id)
  if kind == '' then return tenantKey end
  return tenantKey .. ':' .. kind .. ':' .. id
end
local function indexesOf(tenantKey, member)
  local _, course, module = parts(member)
  local keys = { tenantKey, indexKey(tenantKey, 'c', course) }
  if module ~= '' then keys[3] = indexKey(tenantKey, 'm', module) end
  return keys
end
local function dropMember(tenantKey, member)
  for _, key in ipairs(indexesOf(tenantKey, member)) do redis.call('ZREM', key, member) end
end
`

/**
 * Checks the next `count` members of the tenant index from a cursor kept in a hash, dropping
 * those whose job is gone (retention, a removal), so the indexes shrink as BullMQ trims jobs.
 * The cursor goes round the whole index, so a long-lived job at its old end never stops it.
 */
const SWEEP = `
local function sweep(cursorKey, tenantKey, jobPrefix, count)
  local from = tonumber(redis.call('HGET', cursorKey, tenantKey) or '0')
  local members = redis.call('ZRANGE', tenantKey, from, from + count - 1)
  local dropped = 0
  local jobKeys = {}
  for i, member in ipairs(members) do jobKeys[i] = jobPrefix .. parts(member) end
  -- One EXISTS of all of them first: usually every job is still there and nothing is dropped.
  if #jobKeys > 0 and redis.call('EXISTS', unpack(jobKeys)) < #jobKeys then
    for i, member in ipairs(members) do
      if redis.call('EXISTS', jobKeys[i]) == 0 then
        dropMember(tenantKey, member)
        dropped = dropped + 1
      end
    end
  end
  local nextFrom = from + #members - dropped
  if #members < count then nextFrom = 0 end
  if nextFrom == 0 then redis.call('HDEL', cursorKey, tenantKey) else redis.call('HSET', cursorKey, tenantKey, nextFrom) end
end
`

/** How many keys and arguments indexedAddScript appends to those of BullMQ's add script. */
export const INDEX_KEYS = 3
export const INDEX_ARGS = 5

/**
 * BullMQ's add script (`bullmqAdd`, one of addStandardJob, addDelayedJob, … as BullMQ defines it
 * on its connection) and the tenant index in one script, so adding a job is one command and one
 * round trip, atomic as the MULTI of both was. BullMQ's source runs unchanged inside a function:
 * its KEYS and ARGV come first, the index's are appended after them (BullMQ's scripts read theirs
 * by position, never by count). KEYS[#KEYS-2] the tenant index, KEYS[#KEYS-1] the sweep
 * cursors, KEYS[#KEYS] the queue's stats hash; ARGV[#ARGV-4] the new job's id, then its
 * member, score, the job key prefix and how many members to sweep. A job deduplicated into an
 * existing one (BullMQ returns that job's id) or refused (a negative code) is neither indexed nor
 * counted; a new job is counted as enqueued here. Returns what BullMQ's script returns.
 */
export function indexedAddScript(bullmqAdd: string): string {
  return `${INDEX_LAYOUT}${SWEEP}
local function bullmqAdd()
${bullmqAdd}
end
local addedId = bullmqAdd()
local nk, na = #KEYS, #ARGV
if addedId ~= ARGV[na - 4] then return addedId end
local tenantKey, member, score = KEYS[nk - 2], ARGV[na - 3], ARGV[na - 2]
for _, key in ipairs(indexesOf(tenantKey, member)) do redis.call('ZADD', key, score, member) end
redis.call('HINCRBY', KEYS[nk], 'enqueued', 1)
sweep(KEYS[nk - 1], tenantKey, ARGV[na - 1], tonumber(ARGV[na]))
return addedId
`
}

/** KEYS[1] the tenant index; ARGV[1] the member of a job just removed. */
export const DROP_JOB = `${INDEX_LAYOUT}
dropMember(KEYS[1], ARGV[1])
return 1
`

/**
 * One chunk of a list, newest first. KEYS[1..5] the state keys, KEYS[6] the tenant index.
 * ARGV[1] the job key prefix, ARGV[2] which index to read ('' the tenant's, 'c' a course's, 'm'
 * a module's), ARGV[3] that course or module, ARGV[4] a course to match as well ('' any), ARGV[5]
 * a state to match ('' any), ARGV[6] the rank to start at, ARGV[7] how many members to read,
 * ARGV[8] how many matches to skip (the offset), ARGV[9] how many to return. Members whose job is
 * gone are dropped on the way. Returns { next rank, matches still to skip, 1 when the index is
 * exhausted, { { id, state, { field, value, … } }, … } }: each job's fields and state read at
 * the same instant.
 */
export const READ_INDEX = `${STATE_OF}${INDEX_LAYOUT}
local index = indexKey(KEYS[6], ARGV[2], ARGV[3])
local from, chunk, skip, want = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local members = redis.call('ZREVRANGE', index, from, from + chunk - 1)
local out, scanned, dropped = {}, 0, 0
for _, member in ipairs(members) do
  scanned = scanned + 1
  local id, course = parts(member)
  local jobKey = ARGV[1] .. id
  if redis.call('EXISTS', jobKey) == 0 then
    dropMember(KEYS[6], member)
    dropped = dropped + 1
  elseif ARGV[4] == '' or ARGV[4] == course then
    local state = stateOf(id)
    if ARGV[5] == '' or ARGV[5] == state then
      if skip > 0 then
        skip = skip - 1
      else
        out[#out + 1] = { id, state, redis.call('HGETALL', jobKey) }
        if #out >= want then break end
      end
    end
  end
end
local exhausted = 0
if scanned == #members and #members < chunk then exhausted = 1 end
return { from + scanned - dropped, skip, exhausted, out }
`
