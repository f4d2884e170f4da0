/*
 * Issue 14's check: a worker killed with SIGKILL while it writes a deck revision leaves the old
 * revision or the new one, never a mix, on both deck stores.
 *
 * The writer is a real process (test/support/deck-writer-process.ts) writing a 2,000-card
 * revision (about 1.4 MB) through the real store, connected to Redis or PostgreSQL through a TCP
 * gate (test/support/tcp-gate.ts). The gate stops the write at a chosen byte, so the kill lands
 * where the test says, not where timing puts it:
 *   - half of the revision's bytes sent: Redis holds an incomplete command, PostgreSQL an open
 *     transaction that has already inserted the revision row; the kill must leave the old revision;
 *   - the server's acknowledgement held back: the store has done the write, the writer never
 *     hears of it; the kill must leave the new revision, complete.
 * Then a fresh store reads the deck back, and the job's retry (what BullMQ does after a crash)
 * writes its revision once.
 */
import t, { type Test } from 'tap'
import { Redis } from 'ioredis'
import { createDeckStore, type Card, type DeckCard, type DeckKey, type DeckStore } from '@flashcards/queue-core'
import { largeRevisionCards } from '@flashcards/test-support/decks'
import { TEST_DATABASE_URL, throwawaySchema, withAdmin } from '@flashcards/test-support/postgres'
import { startProcess, tailOf, waitFor, type ManagedProcess } from '@flashcards/test-support'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'
import { openTcpGate, type TcpGate } from './support/tcp-gate.js'

const key: DeckKey = { tenant: 'tenant-crash', course_id: 'course-lockout', module_id: 'mod-lockout' }
const OLD = { job_id: 'job-old', cards: largeRevisionCards(key.module_id, 'old', 40) }
const NEW = { job_id: 'job-new', label: 'new', count: 2_000 }
const NEW_CARDS = largeRevisionCards(key.module_id, NEW.label, NEW.count)
const REVISION_BYTES = Buffer.byteLength(JSON.stringify(NEW_CARDS))

/** One deck store on storage of its own, reached directly or through the gate. */
interface Backend {
  /** The real server, where the gate forwards to. */
  target: { host: string; port: number }
  /** The writer's environment, pointing it at the gate. */
  writerEnv(gatePort: number): Record<string, string>
  /** A store straight on the server (the writer's is gone). */
  openStore(): Promise<DeckStore>
  /** What the server holds of a half-sent write, for the record; fails if it holds nothing. */
  partialWrite(gate: TcpGate): Promise<string>
  /** Stored traces of revision 2 the public API would not show: keys, rows. */
  revision2Traces(): Promise<number>
  /** The reply acknowledging the write of revision 2 as created. */
  acknowledgement: Buffer
  cleanup(): Promise<void>
}

function hostPort(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url)
  return { host: parsed.hostname, port: Number(parsed.port || defaultPort) }
}

const backends: Record<'redis' | 'postgres', () => Promise<Backend>> = {
  async redis() {
    const prefix = uniquePrefix('deck-crash')
    const admin = new Redis(TEST_REDIS_URL)
    return {
      target: hostPort(TEST_REDIS_URL, 6379),
      writerEnv: (gatePort) => ({ DECK_STORE: 'redis', REDIS_URL: `redis://127.0.0.1:${gatePort}`, QUEUE_PREFIX: prefix }),
      openStore: () => createDeckStore({ decks: { store: 'redis', databaseUrl: undefined }, queue: { prefix: prefix }, redis: { url: TEST_REDIS_URL } }),
      async partialWrite(gate) {
        // CLIENT LIST shows the writer's connection (the gate's port towards Redis) with the
        // bytes of a command not yet whole: in its query buffer and in parsed arguments.
        const ports = gate.upstreamPorts()
        const lines = String(await admin.call('CLIENT', 'LIST')).split('\n')
        const writer = lines.find((line) => ports.some((port) => line.includes(` addr=127.0.0.1:${port} `)))
        if (!writer) throw new Error(`no Redis client on the gate's ports ${ports.join(', ')}`)
        const field = (name: string) => Number(new RegExp(`(?:^| )${name}=(\\d+)`).exec(writer)?.[1] ?? 0)
        const pending = field('qbuf') + field('argv-mem')
        if (pending === 0) throw new Error(`the writer's Redis connection holds no partial command: ${writer}`)
        return `redis holds ${pending} bytes of an incomplete command (qbuf=${field('qbuf')} argv-mem=${field('argv-mem')})`
      },
      revision2Traces: async () => (await admin.keys(`${prefix}:decks:*:r2*`)).length,
      acknowledgement: Buffer.from('*2\r\n:2\r\n:1\r\n'),
      async cleanup() {
        admin.disconnect()
        await deletePrefix(prefix)
      },
    }
  },
  async postgres() {
    const { schema, drop } = await throwawaySchema('deck-crash')
    const atGate = (gatePort: number) => {
      const url = new URL(TEST_DATABASE_URL)
      url.hostname = '127.0.0.1'
      url.port = String(gatePort)
      url.searchParams.set('search_path', schema)
      return url.href
    }
    return {
      target: hostPort(TEST_DATABASE_URL, 5432),
      writerEnv: (gatePort) => ({ DECK_STORE: 'postgres', DATABASE_URL: atGate(gatePort) }),
      openStore: () => createDeckStore({ decks: { store: 'postgres', databaseUrl: TEST_DATABASE_URL }, queue: { prefix: 'unused' }, redis: { url: TEST_REDIS_URL } }, { schema }),
      partialWrite: (gate) =>
        withAdmin(async (sql) => {
          // The writer's backend (the gate's port towards PostgreSQL) is in the middle of the
          // revision's transaction, reading the rest of the cards, with the tables it has
          // written to (or is about to) locked.
          const [writer] = await sql<{ pid: number; state: string; tables: string[] }[]>`
            SELECT a.pid, a.state, array_remove(array_agg(DISTINCT c.relname::text), NULL) AS tables
            FROM pg_stat_activity a
            LEFT JOIN pg_locks l ON l.pid = a.pid AND l.mode = 'RowExclusiveLock'
            LEFT JOIN pg_class c ON c.oid = l.relation AND c.relkind = 'r'
            WHERE a.client_port = ANY(${gate.upstreamPorts()}::int[]) AND a.xact_start IS NOT NULL
            GROUP BY a.pid, a.state`
          if (!writer) throw new Error(`no backend of the writer is inside a transaction (gate ports ${gate.upstreamPorts().join(', ')})`)
          return `postgres backend ${writer.pid} is "${writer.state}" inside the revision's transaction, write-locking ${writer.tables.join(', ')}`
        }),
      revision2Traces: () =>
        withAdmin(async (sql) => {
          const [row] = await sql<{ n: number }[]>`SELECT
            (SELECT count(*) FROM ${sql(schema)}.deck_revisions WHERE revision = 2)::int +
            (SELECT count(*) FROM ${sql(schema)}.deck_cards WHERE revision = 2)::int AS n`
          return row!.n
        }),
      // CommandComplete of COMMIT: the transaction is durable, the writer has not been told.
      acknowledgement: Buffer.from('COMMIT\0'),
      cleanup: drop,
    }
  },
}

/** A stored card without its review: the card as the job generated it. */
function generated({ status: _status, reviewed_at: _at, edited: _edited, ...card }: DeckCard): Card {
  return card
}

/** Every card of the latest revision, paged through as a reader would. */
async function readAll(store: DeckStore): Promise<{ revision: number; revisions: number; cards: DeckCard[] }> {
  const first = await store.getDeck(key, { limit: 500 })
  if (!first) throw new Error('the deck is gone')
  const cards = [...first.cards]
  while (cards.length < first.total) {
    const page = await store.getDeck(key, { revision: first.revision, offset: cards.length, limit: 500 })
    cards.push(...page!.cards)
  }
  return { revision: first.revision, revisions: first.revisions, cards }
}

/** `promise`, or an error naming what did not happen (and the writer's output) after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string, writer: ManagedProcess): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms\n${tailOf(writer)}`)), ms)
  })
  const died = writer.exited.then(({ code, signal }) => {
    throw new Error(`the writer exited (${signal ?? code}) before ${what}\n${tailOf(writer)}`)
  })
  try {
    return await Promise.race([promise, late, died])
  } finally {
    clearTimeout(timer)
  }
}

type Moment = 'half the revision sent' | 'the write acknowledged, the writer not told'

async function crashDuringWrite(t: Test, name: keyof typeof backends, moment: Moment): Promise<void> {
  const backend = await backends[name]()
  const gate = await openTcpGate(backend.target)
  const store = await backend.openStore()
  let writer: ManagedProcess | undefined
  t.teardown(async () => {
    await writer?.stop(1_000)
    await gate.close()
    await store.close()
    await backend.cleanup()
  })

  t.same(await store.writeRevision(key, OLD), { revision: 1, created: true }, 'the old revision: 40 cards, one approved')
  await store.updateCard(key, 'old-0001', { status: 'approved' })

  writer = startProcess(`deck-writer (${name})`, process.execPath, ['--import', 'tsx', 'test/support/deck-writer-process.ts'], {
    ...backend.writerEnv(gate.port),
    TEST_DECK_KEY: JSON.stringify(key),
    TEST_DECK_JOB_ID: NEW.job_id,
    TEST_DECK_LABEL: NEW.label,
    TEST_DECK_COUNT: String(NEW.count),
  })
  const proc = writer
  await waitFor(`${proc.name} to open the store and read revision 1`, () => {
    if (!proc.alive()) throw new Error(`${proc.name} exited:\n${tailOf(proc)}`)
    return proc.output().includes('ready 1\n')
  })

  // The gate is set while the writer's connection is idle, then the writer starts its write.
  const halfway = Math.floor(REVISION_BYTES / 2)
  const held = moment === 'half the revision sent' ? gate.holdRequestsAfter(halfway) : gate.holdRepliesAt(backend.acknowledgement)
  proc.signal('SIGUSR2')
  await within(held, 30_000, `the gate to stop the write at "${moment}"`, proc)

  if (moment === 'half the revision sent') {
    t.comment(`${name}: gate held the write after ${halfway} of ${REVISION_BYTES} bytes; ${await backend.partialWrite(gate)}`)
    t.equal((await store.getDeck(key, { limit: 1 }))!.revisions, 1, 'while the writer is stuck mid-write, readers see revision 1')
  } else {
    t.equal((await store.getDeck(key, { limit: 1 }))!.revisions, 2, 'the server has written revision 2')
  }
  t.notMatch(proc.output(), /written/, 'the writer has not finished its write')

  proc.signal('SIGKILL')
  const exit = await proc.exited
  t.equal(exit.signal, 'SIGKILL', `the writer (pid ${proc.pid}) died of SIGKILL mid-write`)
  await gate.close()

  const fresh = await backend.openStore()
  t.teardown(() => fresh.close())
  const deck = await readAll(fresh)
  if (moment === 'half the revision sent') {
    t.equal(deck.revisions, 1, 'the old revision is the latest')
    t.same(deck.cards.map(generated), OLD.cards, 'whole and unchanged: every card, in order')
    t.same(
      deck.cards.filter((card) => card.status !== 'new').map((card) => [card.id, card.status]),
      [['old-0001', 'approved']],
      'its review too',
    )
    t.equal(await fresh.getDeck(key, { revision: 2 }), null, 'no revision 2')
    t.equal(await backend.revision2Traces(), 0, 'and nothing of it stored')
    t.same(await fresh.writeRevision(key, { job_id: NEW.job_id, cards: NEW_CARDS }), { revision: 2, created: true }, "the job's retry writes it")
  } else {
    t.equal(deck.revisions, 2, 'the new revision is the latest')
    t.equal(deck.cards.length, NEW.count, `all ${NEW.count} cards`)
    t.same(deck.cards.map(generated), NEW_CARDS, 'whole: every card as written, in order')
    t.ok(
      deck.cards.every((card) => card.status === 'new'),
      'none carries a review of another revision',
    )
    t.same(await fresh.writeRevision(key, { job_id: NEW.job_id, cards: NEW_CARDS }), { revision: 2, created: false }, "the job's retry finds its revision")
  }
  t.equal((await readAll(fresh)).cards.length, NEW.count, 'and revision 2 is whole after the retry')
}

for (const name of ['redis', 'postgres'] as const) {
  for (const moment of ['half the revision sent', 'the write acknowledged, the writer not told'] as const) {
    t.test(`${name}: a writer killed with SIGKILL when ${moment} leaves ${moment.startsWith('half') ? 'the old' : 'the new'} revision whole`, (t) =>
      crashDuringWrite(t, name, moment),
    )
  }
}
