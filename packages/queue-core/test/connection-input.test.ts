// Every connection form the queue client takes, as BullMQ takes them: a REDIS_URL, an open
// ioredis instance, ioredis options { host, port, … }. Each enqueues and reads back on the real
// Redis; the client closes what it opened and leaves the caller's instance open.
import t from 'tap'
import { Redis, type RedisOptions } from 'ioredis'
import { FlashcardQueues } from '../src/client/index.js'
import { blockingConnections, connectionInputProblem, openConnection, type ConnectionInput } from '../src/redis.js'
import { waitFor } from '@flashcards/test-support'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

const url = new URL(TEST_REDIS_URL)
const hostPort = { host: url.hostname, port: Number(url.port || 6379) }
const prefix = uniquePrefix('connection-input')
const owner = { tenant: 'tenant-a', principal: 'alice' }
const hostConnection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 })
t.teardown(async () => {
  hostConnection.disconnect()
  await deletePrefix(prefix)
})

const forms: Array<[string, ConnectionInput, boolean]> = [
  ['a REDIS_URL', TEST_REDIS_URL, true],
  ['an ioredis instance', hostConnection, false],
  ["BullMQ's { host, port }", hostPort, true],
  ['{ host, port } with more ioredis options', { ...hostPort, db: 0, connectionName: 'flashcard-test-options', maxRetriesPerRequest: 2 }, true],
]

for (const [name, connection, owned] of forms) {
  t.test(`${name}: enqueue and read back; ${owned ? 'closed with the client' : 'left open'}`, async (t) => {
    const queues = new FlashcardQueues({ connection, queuePrefix: prefix })
    const [job] = await queues.enqueueGeneration({ mode: 'single_module', target: { course_id: 'course-1', module_id: `mod-${name.length}` } }, owner)
    const status = await queues.getJob('orchestrator', job!.job_id, owner.tenant)
    t.match(status, { id: job!.job_id, state: 'waiting', course_id: 'course-1' })
    t.equal(await hostConnection.exists(`${prefix}:orchestrator:${job!.job_id}`), 1, 'the job is in Redis under the prefix')
    await queues.close()
    // QUIT is answered before the socket is gone: the status follows a moment later.
    if (owned) t.ok(await waitFor('the connection to end', () => queues.connection.status === 'end', 2_000), 'the connection it opened is closed')
    else t.equal(queues.connection.status, 'ready', "the caller's connection is left open")
  })
}

t.test("options: the role defaults apply under the caller's values; a worker connection never limits retries", async (t) => {
  const producer = openConnection({ ...hostPort, connectionName: 'flashcard-test-producer', commandTimeout: 1_234 }, { role: 'producer' })
  const worker = openConnection({ ...hostPort, maxRetriesPerRequest: 3 }, { role: 'worker', connectionName: 'flashcard-test-worker' })
  t.teardown(() => {
    producer.connection.disconnect()
    worker.connection.disconnect()
  })
  t.match(producer.connection.options, { host: hostPort.host, port: hostPort.port, enableOfflineQueue: false, commandTimeout: 1_234, connectionName: 'flashcard-test-producer' })
  t.equal((worker.connection.options as RedisOptions).maxRetriesPerRequest, null, 'BullMQ requires it for blocking commands')
  t.equal(await worker.connection.ping(), 'PONG')
})

t.test('blocking connections: new ones from a URL or options, duplicates of an instance', async (t) => {
  for (const input of [TEST_REDIS_URL, hostPort, hostConnection] as ConnectionInput[]) {
    const connection = blockingConnections(input, 'flashcard-test-blocking')()
    t.not(connection, hostConnection, 'a connection of its own')
    t.equal((connection.options as RedisOptions).maxRetriesPerRequest, null)
    t.equal(await connection.ping(), 'PONG')
    connection.disconnect()
  }
})

t.test('a bad value names what is wrong and what it received, never a password', async (t) => {
  const cases: Array<[unknown, RegExp]> = [
    [undefined, /^ is required: a REDIS_URL/],
    ['  ', /^ is an empty string/],
    [6379, /^ must be a REDIS_URL .*, got number$/],
    [[hostPort], /, got an array$/],
    [{}, /^ has none of host, port, path or sentinels/],
    [{ host: 42 }, /^\.host must be a host name or address, got number$/],
    [{ host: 'localhost', port: '6379' }, /^\.port must be an integer from 1 to 65535, got "6379"$/],
    [{ host: 'localhost', port: 70_000, password: 'hunter2-secret' }, /^\.port must be an integer from 1 to 65535, got 70000$/],
    [{ sentinels: [] }, /^\.sentinels must be a non-empty array/],
  ]
  for (const [value, message] of cases) {
    const problem = connectionInputProblem(value)
    const sentence = problem ? `${problem.at} ${problem.message}` : ''
    t.match(sentence, message, JSON.stringify(value) ?? 'undefined')
    t.notMatch(sentence, /hunter2/)
  }
  t.throws(() => new FlashcardQueues({ connection: { host: 'localhost', port: 0 } }), new TypeError('connection.port must be an integer from 1 to 65535, got 0'))
  for (const [, good] of forms) t.equal(connectionInputProblem(good), undefined)
})
