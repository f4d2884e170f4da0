/**
 * Lua scripts of the Redis deck store. Each runs atomically, so a revision is in Redis whole or
 * not at all (a writer killed mid-way never sent the script, or sent all of it), and concurrent
 * writers of one deck are serialised by Redis itself. Keys of a deck are derived from KEYS[1],
 * its base; all of them share KEYS[1]'s hash tag.
 */

/**
 * KEYS: base, course index. ARGV: job id, now, course title, module title, module id, then
 * card id / card JSON pairs. Returns {revision, created (1|0)}. A job that already wrote a
 * revision of this deck gets it back; review states of cards kept from the previous revision
 * are carried over.
 */
export const WRITE_REVISION = `
local base = KEYS[1]
local done = redis.call('HGET', base .. ':jobs', ARGV[1])
if done then return {tonumber(done), 0} end
local n = redis.call('HINCRBY', base .. ':meta', 'revisions', 1)
local rev = base .. ':r' .. n
local head = { 'job_id', ARGV[1], 'created_at', ARGV[2], 'updated_at', ARGV[2] }
if ARGV[3] ~= '' then table.insert(head, 'course_title'); table.insert(head, ARGV[3]) end
if ARGV[4] ~= '' then table.insert(head, 'module_title'); table.insert(head, ARGV[4]) end
redis.call('HSET', rev, unpack(head))
-- One RPUSH and one HSET for all the cards, not one of each per card (in slices of 1000 arguments: Lua's unpack is bounded).
local function inSlices(command, key, list)
  for i = 1, #list, 1000 do redis.call(command, key, unpack(list, i, math.min(i + 999, #list))) end
end
local order, cards = {}, {}
local previous = base .. ':r' .. (n - 1) .. ':review'
for i = 6, #ARGV, 2 do
  local id = ARGV[i]
  table.insert(order, id)
  table.insert(cards, id)
  table.insert(cards, ARGV[i + 1])
  if n > 1 then
    local review = redis.call('HGET', previous, id)
    if review then redis.call('HSET', rev .. ':review', id, review) end
  end
end
inSlices('RPUSH', rev .. ':order', order)
inSlices('HSET', rev .. ':cards', cards)
redis.call('HSET', base .. ':jobs', ARGV[1], n)
redis.call('ZADD', KEYS[2], 0, ARGV[5])
return {n, 1}
`

/**
 * Compare-and-set of one card's review in the latest revision. KEYS: base. ARGV: revision the
 * caller read, card id, review JSON it read ('' = none), new review JSON, now.
 * Returns 1 when set, 0 when the card is gone, -1 when something changed since the read.
 */
export const SET_REVIEW = `
local base = KEYS[1]
if tonumber(redis.call('HGET', base .. ':meta', 'revisions') or '0') ~= tonumber(ARGV[1]) then return -1 end
local rev = base .. ':r' .. ARGV[1]
if redis.call('HEXISTS', rev .. ':cards', ARGV[2]) == 0 then return 0 end
local current = redis.call('HGET', rev .. ':review', ARGV[2]) or ''
if current ~= ARGV[3] then return -1 end
redis.call('HSET', rev .. ':review', ARGV[2], ARGV[4])
redis.call('HSET', rev, 'updated_at', ARGV[5])
return 1
`

/** Removes a card from the latest revision. KEYS: base. ARGV: card id, now. Returns 1 or 0. */
export const DELETE_CARD = `
local base = KEYS[1]
local n = redis.call('HGET', base .. ':meta', 'revisions')
if not n then return 0 end
local rev = base .. ':r' .. n
if redis.call('HDEL', rev .. ':cards', ARGV[1]) == 0 then return 0 end
redis.call('LREM', rev .. ':order', 0, ARGV[1])
redis.call('HDEL', rev .. ':review', ARGV[1])
redis.call('HSET', rev, 'updated_at', ARGV[2])
return 1
`

/** Removes a deck with every revision. KEYS: base, course index. ARGV: module id. Returns 1 or 0. */
export const DELETE_DECK = `
local base = KEYS[1]
local n = tonumber(redis.call('HGET', base .. ':meta', 'revisions') or '0')
redis.call('ZREM', KEYS[2], ARGV[1])
if n == 0 then return 0 end
for i = 1, n do
  local rev = base .. ':r' .. i
  redis.call('DEL', rev, rev .. ':order', rev .. ':cards', rev .. ':review')
end
redis.call('DEL', base .. ':meta', base .. ':jobs')
return 1
`
