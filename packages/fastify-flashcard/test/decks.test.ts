import t, { type Test } from 'tap'
import { Redis } from 'ioredis'
import type { FastifyInstance } from 'fastify'
import { createDeckStore, noteGuid, type DeckStore } from '@flashcards/queue-core'
import { deckIdByName, readApkg } from '@flashcards/test-support/apkg'
import { XSS_FRONT, seedDeck } from '@flashcards/test-support/decks'
import { TEST_DATABASE_URL, throwawaySchema, withAdmin } from '@flashcards/test-support/postgres'
import { deletePrefix, uniquePrefix } from '@flashcards/test-support/redis'
import { REVIEW_CSP } from '../src/routes/review.js'
import type { FlashcardPluginOptions } from '../src/index.js'
import { TEST_REDIS_URL, TOKEN_A, TOKEN_B, bearer, buildApp } from './helpers.js'

const P = '/api/flashcards'
const A = { tenant: 'tenant-a', course_id: 'shell' }

/**
 * A deck backend as the plugin opens it from its options (DECK_STORE / DATABASE_URL), on
 * storage of its own: the route suite below runs once per backend.
 */
interface Backend {
  decks: NonNullable<FlashcardPluginOptions['decks']>
  /** How many decks the backend's own storage holds: proof the routes wrote there. */
  deckCount(): Promise<number>
  cleanup(): Promise<void>
}

const backends: Record<'redis' | 'postgres', (prefix: string) => Promise<Backend>> = {
  async redis(prefix) {
    return {
      decks: { store: 'redis' },
      deckCount: async () => {
        const redis = new Redis(TEST_REDIS_URL)
        try {
          return (await redis.keys(`${prefix}:decks:*:meta`)).length
        } finally {
          redis.disconnect()
        }
      },
      cleanup: async () => {},
    }
  },
  async postgres() {
    // The schema rides in DATABASE_URL (the driver sends query parameters as connection
    // settings), so the plugin opens and migrates the store itself, as with DECK_STORE=postgres.
    const { schema, drop } = await throwawaySchema('deck-routes')
    const url = new URL(TEST_DATABASE_URL)
    url.searchParams.set('search_path', schema)
    return {
      decks: { store: 'postgres', databaseUrl: url.href },
      deckCount: () =>
        withAdmin(async (sql) => {
          const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM ${sql(schema)}.decks WHERE revisions > 0`
          return row!.n
        }),
      cleanup: drop,
    }
  },
}

/** Every deck route, against the store `name` names; run for each backend. */
function deckRouteSuite(t: Test, name: keyof typeof backends): void {
  const prefix = uniquePrefix(`decks-api-${name}`)
  let app: FastifyInstance
  let store: DeckStore
  let backend: Backend

  t.before(async () => {
    backend = await backends[name](prefix)
    app = await buildApp(prefix, { review: true, decks: backend.decks })
    store = app.flashcards.decks
    await app.flashcards.queues.ready()
    await seedDeck(store, { ...A, module_id: 'pipes' }, { count: 6, module_title: 'Pipes and Filters' })
    await seedDeck(store, { ...A, module_id: 'pipes' }, { job_id: 'job-pipes-2', count: 5, module_title: 'Pipes and Filters' })
    await seedDeck(store, { ...A, module_id: 'loops' })
    await seedDeck(store, { tenant: 'tenant-b', course_id: 'shell', module_id: 'theirs' })
  })
  t.teardown(async () => {
    await app?.close()
    await backend?.cleanup()
    await deletePrefix(prefix)
  })
  const get = (url: string, token = TOKEN_A) => app.inject({ method: 'GET', url: P + url, headers: bearer(token) })
  const patch = (url: string, payload: unknown, token = TOKEN_A) => app.inject({ method: 'PATCH', url: P + url, headers: bearer(token), payload: payload as object })
  const del = (url: string, token = TOKEN_A) => app.inject({ method: 'DELETE', url: P + url, headers: bearer(token) })

  t.test('401 on every deck route without a valid token', async (t) => {
    const routes: [string, string][] = [
      ['GET', '/decks/shell'],
      ['GET', '/decks/shell/pipes'],
      ['PATCH', '/decks/shell/pipes/cards/pipes-wc'],
      ['DELETE', '/decks/shell/pipes/cards/pipes-wc'],
      ['DELETE', '/decks/shell/pipes'],
      ['GET', '/decks/shell/export'],
      ['GET', '/decks/shell/pipes/export'],
    ]
    for (const [method, url] of routes) {
      const none = await app.inject({ method: method as 'GET', url: P + url, payload: method === 'PATCH' ? { status: 'approved' } : undefined })
      t.equal(none.statusCode, 401, `${method} ${url} without a token`)
      t.equal(none.json().error.code, 'UNAUTHORIZED')
      const wrong = await app.inject({ method: method as 'GET', url: P + url, headers: bearer('not-a-token-at-all') })
      t.equal(wrong.statusCode, 401, `${method} ${url} with a wrong token`)
    }
  })

  t.test('GET /decks/:courseId lists decks with counts and progress, paginated', async (t) => {
    await patch('/decks/shell/loops/cards/loops-wc', { status: 'approved' })
    const res = await get('/decks/shell')
    t.equal(res.statusCode, 200)
    const { data } = res.json()
    t.equal(data.total, 2)
    t.equal(data.next_offset, null)
    const loops = data.items.find((d: { module_id: string }) => d.module_id === 'loops')
    t.match(loops, { card_count: 4, counts: { new: 3, approved: 1, rejected: 0, edited: 0 }, reviewed: 1, progress: 0.25, revision: 1 })
    const pipes = data.items.find((d: { module_id: string }) => d.module_id === 'pipes')
    t.match(pipes, { module_title: 'Pipes and Filters', revision: 2, card_count: 5 })

    const first = (await get('/decks/shell?limit=1')).json().data
    t.equal(first.items.length, 1)
    t.equal(first.next_offset, 1)
    const second = (await get('/decks/shell?limit=1&offset=1')).json().data
    t.equal(second.next_offset, null)
    t.not(second.items[0].module_id, first.items[0].module_id)

    t.same(
      (await get('/decks/shell', TOKEN_B)).json().data.items.map((d: { module_id: string }) => d.module_id),
      ['theirs'],
      'only the caller tenant',
    )
    t.same((await get('/decks/nothing-here')).json().data, { items: [], total: 0, next_offset: null })
    t.equal((await get('/decks/shell?limit=0')).statusCode, 400)
    t.equal((await get('/decks/bad..id')).statusCode, 400)
  })

  t.test('GET /decks/:courseId/:moduleId: latest or a revision, status filter, pages, tenancy', async (t) => {
    const latest = await get('/decks/shell/pipes')
    t.equal(latest.statusCode, 200)
    t.match(latest.json().data, { key: { tenant: 'tenant-a', course_id: 'shell', module_id: 'pipes' }, revision: 2, revisions: 2, total: 5, job_id: 'job-pipes-2' })
    const xss = latest.json().data.cards.find((c: { id: string }) => c.id === 'pipes-xss')
    t.equal(xss.front, XSS_FRONT, 'card text returned as stored (the page escapes it)')

    const old = (await get('/decks/shell/pipes?revision=1')).json().data
    t.match(old, { revision: 1, revisions: 2, total: 6 })
    const missing = await get('/decks/shell/pipes?revision=9')
    t.equal(missing.statusCode, 404)
    t.match(missing.json(), { success: false, error: { code: 'NOT_FOUND' } })

    const paged = (await get('/decks/shell/pipes?limit=2&offset=2')).json().data
    t.equal(paged.cards.length, 2)
    t.equal(paged.next_offset, 4)

    await patch('/decks/shell/pipes/cards/pipes-sort', { status: 'rejected' })
    const rejected = (await get('/decks/shell/pipes?status=rejected')).json().data
    t.same(
      rejected.cards.map((c: { id: string }) => c.id),
      ['pipes-sort'],
    )
    t.equal(rejected.total, 1)

    t.equal((await get('/decks/shell/pipes?status=bogus')).statusCode, 400)
    t.equal((await get('/decks/shell/pipes?extra=1')).statusCode, 400)
    t.equal((await get('/decks/shell/nope')).statusCode, 404)
    const other = await get('/decks/shell/pipes', TOKEN_B)
    t.equal(other.statusCode, 404, "another tenant's deck is not there")
    t.equal((await get('/decks/shell/theirs')).statusCode, 404)
  })

  t.test('PATCH a card: approve, reject, edit, reset; 400 and 404', async (t) => {
    const url = '/decks/shell/loops/cards/loops-pipe'
    const approved = await patch(url, { status: 'approved' })
    t.equal(approved.statusCode, 200)
    t.match(approved.json().data, { id: 'loops-pipe', status: 'approved', reviewed_at: String })

    const edited = await patch(url, { front: 'A {{c1::pipe}} joins two shell commands.' })
    t.equal(edited.statusCode, 200)
    t.match(edited.json().data, { status: 'edited', front: /vertical bar/, edited: { front: 'A {{c1::pipe}} joins two shell commands.', back: 'pipe' } })

    const reset = await patch(url, { status: 'new' })
    t.match(reset.json().data, { status: 'new' })
    t.notOk(reset.json().data.edited, 'reset drops the edit')

    const noDeletion = await patch(url, { front: 'No deletion here' })
    t.equal(noDeletion.statusCode, 400, 'a cloze edit keeps its deletion')
    t.equal(noDeletion.json().error.code, 'VALIDATION_ERROR')
    t.equal((await patch(url, {})).statusCode, 400, 'empty patch')
    t.equal((await patch(url, { status: 'edited' })).statusCode, 400, 'edited is set by an edit, not asked for')
    t.equal((await patch(url, { status: 'approved', owner: 'x' })).statusCode, 400, 'unknown field')
    t.equal((await patch(url, { front: 'x'.repeat(1001) })).statusCode, 400)

    t.equal((await patch('/decks/shell/loops/cards/no-such-card', { status: 'approved' })).statusCode, 404)
    t.equal((await patch(url, { status: 'approved' }, TOKEN_B)).statusCode, 404, 'another tenant')
    t.match(
      (await get('/decks/shell/loops')).json().data.cards.find((c: { id: string }) => c.id === 'loops-pipe'),
      { status: 'new' },
      'unchanged by the refusals',
    )
  })

  t.test('DELETE a card and a deck; another tenant gets 404', async (t) => {
    await seedDeck(store, { ...A, module_id: 'scratch' })
    t.equal((await del('/decks/shell/scratch/cards/scratch-wc', TOKEN_B)).statusCode, 404)
    const gone = await del('/decks/shell/scratch/cards/scratch-wc')
    t.equal(gone.statusCode, 200)
    t.same(gone.json(), { success: true, data: { deleted: true } })
    t.equal((await del('/decks/shell/scratch/cards/scratch-wc')).statusCode, 404, 'already deleted')
    t.equal((await get('/decks/shell/scratch')).json().data.total, 3)

    t.equal((await del('/decks/shell/scratch', TOKEN_B)).statusCode, 404)
    t.equal((await get('/decks/shell/scratch')).statusCode, 200, "another tenant's delete changed nothing")
    t.equal((await del('/decks/shell/scratch')).statusCode, 200)
    t.equal((await get('/decks/shell/scratch')).statusCode, 404)
    t.equal((await del('/decks/shell/scratch')).statusCode, 404)
  })

  t.test('exports: a module and a course, apkg csv json, with headers; tenancy', async (t) => {
    await patch('/decks/shell/pipes/cards/pipes-wc', { front: 'Which shell command counts lines?' })
    const apkg = await get('/decks/shell/pipes/export?format=apkg')
    t.equal(apkg.statusCode, 200)
    t.equal(apkg.headers['content-type'], 'application/octet-stream')
    t.equal(apkg.headers['content-disposition'], 'attachment; filename="shell-pipes.apkg"')
    const contents = await readApkg(apkg.rawPayload)
    t.equal(contents.integrity, 'ok')
    const key = { ...A, module_id: 'pipes' }
    t.equal(contents.notes.length, 4, 'five cards, one rejected')
    t.equal(contents.notes.find((n) => n.guid === noteGuid(key, 'pipes-wc'))!.fields[0], 'Which shell command counts lines?', 'the edit')
    t.ok(deckIdByName(contents, 'Unix Shell::Pipes and Filters'))

    const course = await readApkg((await get('/decks/shell/export')).rawPayload)
    t.ok(deckIdByName(course, 'Unix Shell::Pipes and Filters') && deckIdByName(course, 'Unix Shell::loops'), 'a subdeck per module')
    t.equal(course.notes.length, 8)

    const csv = await get('/decks/shell/pipes/export?format=csv')
    t.equal(csv.headers['content-type'], 'text/csv; charset=utf-8')
    t.equal(csv.headers['content-disposition'], 'attachment; filename="shell-pipes.csv"')
    t.match(csv.body, /^#separator:Comma\r\n#html:true\r\n/)
    t.match(csv.body, /&lt;img src=x onerror=/)

    const json = await get('/decks/shell/export?format=json')
    t.equal(json.headers['content-type'], 'application/json; charset=utf-8')
    t.equal(json.headers['content-disposition'], 'attachment; filename="shell.json"')
    t.same(
      json
        .json()
        .decks.map((d: { key: { module_id: string } }) => d.key.module_id)
        .sort(),
      ['loops', 'pipes'],
    )

    t.equal((await get('/decks/shell/pipes/export', TOKEN_B)).statusCode, 404)
    t.equal((await get('/decks/other-course/export')).statusCode, 404)
    const theirs = await get('/decks/shell/export?format=json', TOKEN_B)
    t.same(
      theirs.json().decks.map((d: { key: { module_id: string } }) => d.key.module_id),
      ['theirs'],
    )
    const bad = await get('/decks/shell/export?format=pdf')
    t.equal(bad.statusCode, 400)
    t.match(bad.json().error.message, /format/)
  })

  t.test(`the decks are in the ${name} store`, async (t) => {
    t.equal(await backend.deckCount(), 3, "pipes, loops and the other tenant's deck (scratch was deleted)")
    if (name === 'postgres') {
      const redis = new Redis(TEST_REDIS_URL)
      t.teardown(() => redis.disconnect())
      t.same(await redis.keys(`${prefix}:decks:*`), [], 'nothing of the decks in Redis')
    }
  })
}

for (const name of Object.keys(backends) as (keyof typeof backends)[]) {
  t.test(`deck routes on the ${name} store`, async (t) => deckRouteSuite(t, name))
}

/** The plugin with the default store, for what does not depend on the backend. */
const prefix = uniquePrefix('decks-api')
let app: FastifyInstance
t.before(async () => {
  app = await buildApp(prefix, { review: true })
})
t.teardown(async () => {
  await app.close()
  await deletePrefix(prefix)
})
const get = (url: string, token = TOKEN_A) => app.inject({ method: 'GET', url: P + url, headers: bearer(token) })

t.test('the OpenAPI document names every deck route', async (t) => {
  const doc = (await get('/openapi.json')).json()
  const ids = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((ops) => Object.values(ops).map((op) => op.operationId))
  for (const id of ['listDecks', 'getDeck', 'updateDeckCard', 'deleteDeckCard', 'deleteDeck', 'exportCourseDecks', 'exportDeck']) t.ok(ids.includes(id), id)
  t.notOk(
    Object.keys(doc.paths).some((p) => p.includes('/review')),
    'the static page is not an API route',
  )
})

t.test('review page: static assets without a token, strict CSP', async (t) => {
  const page = await app.inject({ method: 'GET', url: `${P}/review/` })
  t.equal(page.statusCode, 200)
  t.equal(page.headers['content-type'], 'text/html; charset=utf-8')
  t.equal(page.headers['content-security-policy'], REVIEW_CSP)
  t.match(page.body, /<script src="review.js" defer><\/script>/)
  t.notMatch(page.body, /<script>|\son[a-z]+=/, 'no inline script or handler')
  const js = await app.inject({ method: 'GET', url: `${P}/review/review.js` })
  t.equal(js.headers['content-type'], 'text/javascript; charset=utf-8')
  t.notMatch(js.body, /innerHTML|insertAdjacentHTML|document\.write/, 'card text never parsed as HTML')
  t.equal((await app.inject({ method: 'GET', url: `${P}/review/review.css` })).headers['content-type'], 'text/css; charset=utf-8')
  t.equal((await app.inject({ method: 'GET', url: `${P}/review/favicon.svg` })).headers['content-type'], 'image/svg+xml')
  const bare = await app.inject({ method: 'GET', url: `${P}/review` })
  t.equal(bare.statusCode, 302)
  t.equal(bare.headers.location, `${P}/review/`)
  t.equal((await app.inject({ method: 'GET', url: `${P}/review/../package.json` })).statusCode, 404)
})

t.test('the review page is off by default; a host store is used and left open', async (t) => {
  const redis = new Redis(TEST_REDIS_URL)
  const own = await createDeckStore({ decks: { store: 'redis', databaseUrl: undefined }, queue: { prefix }, redis: { url: TEST_REDIS_URL } }, { redis })
  await seedDeck(own, { ...A, module_id: 'loops' })
  const host = await buildApp(prefix, { decks: own })
  try {
    t.equal((await host.inject({ method: 'GET', url: `${P}/review/` })).statusCode, 404)
    t.equal((await host.inject({ method: 'GET', url: `${P}/decks/shell/loops`, headers: bearer(TOKEN_A) })).statusCode, 200)
  } finally {
    await host.close()
  }
  t.ok(await own.getDeck({ ...A, module_id: 'loops' }), 'still usable after the plugin closed')
  await own.close()
  await redis.quit()
})

t.test('bad decks options stop registration with a clear message', async (t) => {
  await t.rejects(buildApp(prefix, { decks: { store: 'postgres' } as never }), /decks.databaseUrl/)
  await t.rejects(buildApp(prefix, { decks: { store: 'mongo' } as never }), /option "decks"/)
  await t.rejects(buildApp(prefix, { review: 'yes' as never }), /option "review"/)
})
