import type { Test } from 'tap'
import type { Card } from '../../src/result-schemas.js'
import type { DeckKey, DeckStore } from '../../src/decks/types.js'

/**
 * The one contract every deck store meets. Each backend's test file calls it with a factory
 * that opens a store on fresh, private storage (a Redis prefix, a PostgreSQL schema) and a
 * cleanup that removes it.
 */
export type OpenStore = () => Promise<{ store: DeckStore; cleanup: () => Promise<void> }>

const key: DeckKey = { tenant: 'tenant-a', course_id: 'course-1', module_id: 'mod-1' }

export function card(id: string, type: Card['type'] = 'basic', extra: Partial<Card> = {}): Card {
  return {
    id,
    type,
    front: type === 'cloze' ? `The {{c1::answer ${id}}} is here.` : `Question ${id}?`,
    back: `answer ${id}`,
    tags: ['course-1', 'mod-1'],
    source: { module_id: 'mod-1', chunk_id: 'c1', heading: 'Intro', start_seconds: 1.25, end_seconds: 7.5 },
    ...extra,
  }
}

const cards = (...ids: string[]) => ids.map((id) => card(id))

async function rejectsWithCode(t: Test, promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await t.rejects(promise, { name: 'FlashcardError', code, message })
}

export function deckStoreContract(t: Test, open: OpenStore): void {
  const withStore = (name: string, fn: (t: Test, store: DeckStore) => Promise<void>) =>
    t.test(name, async (t) => {
      const { store, cleanup } = await open()
      t.teardown(cleanup)
      await fn(t, store)
    })

  withStore('revisions: the latest by default, any given one on request', async (t, store) => {
    t.equal(await store.getDeck(key), null, 'no deck before the first job')
    t.same(await store.writeRevision(key, { job_id: 'job-1', cards: cards('a', 'b'), module_title: 'Intro', course_title: 'HR' }), { revision: 1, created: true })
    t.same(await store.writeRevision(key, { job_id: 'job-2', cards: cards('b', 'c', 'd') }), { revision: 2, created: true })
    const latest = await store.getDeck(key)
    t.match(latest, { key, revision: 2, revisions: 2, job_id: 'job-2', total: 3 })
    t.same(
      latest!.cards.map((c) => c.id),
      ['b', 'c', 'd'],
      'cards in the order the job gave them',
    )
    t.same(latest!.cards[0], { ...card('b'), status: 'new' }, 'a card reads back exactly as written')
    const first = await store.getDeck(key, { revision: 1 })
    t.match(first, { revision: 1, revisions: 2, job_id: 'job-1', module_title: 'Intro', course_title: 'HR', total: 2 })
    t.ok(Date.parse(first!.created_at) <= Date.parse(latest!.created_at))
    t.equal(await store.getDeck(key, { revision: 3 }), null, 'a revision not written yet')
    t.equal(await store.getDeck({ ...key, module_id: 'mod-2' }), null, 'another module')
  })

  withStore('a re-run of the same job writes its revision once', async (t, store) => {
    t.same(await store.writeRevision(key, { job_id: 'job-1', cards: cards('a') }), { revision: 1, created: true })
    t.same(await store.writeRevision(key, { job_id: 'job-1', cards: cards('a') }), { revision: 1, created: false })
    await store.writeRevision(key, { job_id: 'job-2', cards: cards('b') })
    t.same(await store.writeRevision(key, { job_id: 'job-1', cards: cards('z') }), { revision: 1, created: false }, 'even after a later job')
    t.match(await store.getDeck(key), { revisions: 2, job_id: 'job-2' })
    t.same(
      (await store.getDeck(key, { revision: 1 }))!.cards.map((c) => c.id),
      ['a'],
    )
  })

  withStore('concurrent writers: every job gets its own revision, each exactly once', async (t, store) => {
    const jobs = Array.from({ length: 12 }, (_, i) => `job-${i}`)
    const results = await Promise.all([...jobs, ...jobs].map((job_id, i) => store.writeRevision(key, { job_id, cards: cards(`${job_id}-card`, `shared-${i % 3}`) })))
    const created = results
      .filter((r) => r.created)
      .map((r) => r.revision)
      .sort((a, b) => a - b)
    t.same(
      created,
      jobs.map((_, i) => i + 1),
      'revisions 1..12, none skipped or doubled',
    )
    for (let i = 0; i < jobs.length; i++) t.equal(results[i]!.revision, results[i + jobs.length]!.revision, `${jobs[i]} has one revision`)
    const deck = await store.getDeck(key)
    t.equal(deck!.revisions, 12)
    for (let revision = 1; revision <= 12; revision++) {
      const one = await store.getDeck(key, { revision })
      t.equal(one!.total, 2, `revision ${revision} is whole`)
      t.equal(one!.cards[0]!.id, `${one!.job_id}-card`, `revision ${revision} holds its own job's cards`)
    }
  })

  withStore('reviews carry over to the next revision for cards with the same id', async (t, store) => {
    await store.writeRevision(key, { job_id: 'job-1', cards: [card('a'), card('b', 'cloze'), card('c')] })
    t.match(await store.updateCard(key, 'a', { status: 'approved' }), { id: 'a', status: 'approved' })
    const edited = await store.updateCard(key, 'b', { front: 'A {{c1::better}} sentence.', back: 'better' })
    t.match(edited, { id: 'b', status: 'edited', front: card('b', 'cloze').front, edited: { front: 'A {{c1::better}} sentence.', back: 'better' } })
    t.ok(Date.parse(edited!.edited!.at) > 0 && edited!.reviewed_at === edited!.edited!.at)
    await store.updateCard(key, 'c', { status: 'rejected' })
    await store.writeRevision(key, { job_id: 'job-2', cards: [card('a'), card('b', 'cloze'), card('d')] })
    const next = await store.getDeck(key)
    t.match(next!.cards, [
      { id: 'a', status: 'approved' },
      { id: 'b', status: 'edited', edited: { front: 'A {{c1::better}} sentence.' } },
      { id: 'd', status: 'new' },
    ])
    t.notOk(next!.cards[2]!.edited)
    await store.updateCard(key, 'a', { status: 'rejected' })
    t.match((await store.getDeck(key, { revision: 1 }))!.cards[0], { id: 'a', status: 'approved' }, 'a review changes the latest revision only')
    t.match(await store.updateCard(key, 'b', { status: 'approved' }), { status: 'approved', edited: { front: 'A {{c1::better}} sentence.' } }, 'approving keeps the edit')
    t.same(await store.updateCard(key, 'b', { status: 'new' }), { ...card('b', 'cloze'), status: 'new' }, 'status new undoes the review')
  })

  withStore('status filter and pagination', async (t, store) => {
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']
    await store.writeRevision(key, { job_id: 'job-1', cards: cards(...ids) })
    for (const id of ['c2', 'c4', 'c7']) await store.updateCard(key, id, { status: 'approved' })
    await store.updateCard(key, 'c5', { status: 'rejected' })
    const approved = await store.getDeck(key, { status: 'approved', limit: 2 })
    t.same(
      approved!.cards.map((c) => c.id),
      ['c2', 'c4'],
    )
    t.equal(approved!.total, 3)
    t.same(
      (await store.getDeck(key, { status: 'approved', offset: 2, limit: 2 }))!.cards.map((c) => c.id),
      ['c7'],
    )
    t.same(
      (await store.getDeck(key, { status: 'new' }))!.cards.map((c) => c.id),
      ['c1', 'c3', 'c6'],
    )
    t.same(
      (await store.getDeck(key, { offset: 5 }))!.cards.map((c) => c.id),
      ['c6', 'c7'],
    )
    t.same((await store.getDeck(key, { offset: 50 }))!.cards, [], 'past the end: an empty page')
    await rejectsWithCode(t, store.getDeck(key, { limit: 0 }), 'VALIDATION_ERROR', /limit/)
    await rejectsWithCode(t, store.getDeck(key, { offset: -1 }), 'VALIDATION_ERROR', /offset/)
    await rejectsWithCode(t, store.getDeck(key, { status: 'maybe' as 'new' }), 'VALIDATION_ERROR', /status/)
  })

  withStore('a course lists its decks with counts and review progress', async (t, store) => {
    for (const module_id of ['mod-c', 'mod-a', 'mod-b']) {
      await store.writeRevision({ ...key, module_id }, { job_id: `job-${module_id}`, cards: cards('x', 'y', 'z'), module_title: `Title ${module_id}` })
    }
    await store.writeRevision({ ...key, module_id: 'mod-a' }, { job_id: 'job-a2', cards: cards('x', 'y', 'z', 'w'), module_title: 'A again' })
    await store.updateCard({ ...key, module_id: 'mod-a' }, 'x', { status: 'approved' })
    await store.updateCard({ ...key, module_id: 'mod-a' }, 'y', { back: 'edited answer' })
    await store.writeRevision({ ...key, course_id: 'course-2' }, { job_id: 'other-course', cards: cards('x') })
    const all = await store.listDecks(key.tenant, key.course_id)
    t.equal(all.total, 3)
    t.same(
      all.items.map((i) => i.module_id),
      ['mod-a', 'mod-b', 'mod-c'],
    )
    t.match(all.items[0], {
      course_id: 'course-1',
      module_id: 'mod-a',
      module_title: 'A again',
      revision: 2,
      card_count: 4,
      counts: { new: 2, approved: 1, rejected: 0, edited: 1 },
    })
    t.match(all.items[1], { revision: 1, card_count: 3, counts: { new: 3, approved: 0, rejected: 0, edited: 0 } })
    const second = await store.listDecks(key.tenant, key.course_id, { offset: 1, limit: 1 })
    t.same(
      second.items.map((i) => i.module_id),
      ['mod-b'],
    )
    t.equal(second.total, 3)
    t.same(await store.listDecks(key.tenant, 'course-none'), { items: [], total: 0 })
    t.same(await store.getSummary({ ...key, module_id: 'mod-a' }), all.items[0], "one deck's summary is its line of the list")
    t.equal(await store.getSummary({ ...key, module_id: 'mod-none' }), null)
  })

  withStore("tenants never see, change or delete each other's decks", async (t, store) => {
    await store.writeRevision(key, { job_id: 'job-1', cards: cards('a') })
    // A tenant name that would collide with another tenant's course if keys were joined naively.
    const others: DeckKey[] = [
      { ...key, tenant: 'tenant-b' },
      { ...key, tenant: 'tenant-a:course-1' },
      { ...key, tenant: 'tenant' },
    ]
    for (const other of others) {
      t.equal(await store.getDeck(other), null, `${other.tenant} reads nothing`)
      t.same(await store.listDecks(other.tenant, key.course_id), { items: [], total: 0 })
      t.equal(await store.getSummary(other), null)
      t.equal(await store.updateCard(other, 'a', { status: 'approved' }), null)
      t.equal(await store.deleteCard(other, 'a'), false)
      t.equal(await store.deleteDeck(other), false)
    }
    t.same(await store.writeRevision(others[0]!, { job_id: 'job-1', cards: cards('b') }), { revision: 1, created: true }, 'the same job id in another tenant is another deck')
    t.match(await store.getDeck(key), { revisions: 1, cards: [{ id: 'a', status: 'new' }] })
  })

  withStore('edits are validated and a bad one changes nothing', async (t, store) => {
    await store.writeRevision(key, { job_id: 'job-1', cards: [card('cz', 'cloze'), card('b')] })
    await rejectsWithCode(t, store.updateCard(key, 'cz', { front: 'No deletion at all.' }), 'VALIDATION_ERROR', /exactly one \{\{c1::/)
    await rejectsWithCode(t, store.updateCard(key, 'cz', { front: '{{c1::Two}} {{c1::deletions}}.' }), 'VALIDATION_ERROR', /exactly one/)
    await rejectsWithCode(t, store.updateCard(key, 'cz', { front: 'A {{c2::second}} cloze.' }), 'VALIDATION_ERROR', /c1/)
    await rejectsWithCode(t, store.updateCard(key, 'b', { back: '   ' }), 'VALIDATION_ERROR', /non-empty/)
    await rejectsWithCode(t, store.updateCard(key, 'b', { front: 'x'.repeat(1_001) }), 'VALIDATION_ERROR', /1000/)
    await rejectsWithCode(t, store.updateCard(key, 'b', {}), 'VALIDATION_ERROR', /status, front or back/)
    await rejectsWithCode(t, store.updateCard(key, 'b', { status: 'edited' as 'new' }), 'VALIDATION_ERROR', /approved, rejected or new/)
    await rejectsWithCode(t, store.updateCard(key, 'b', { status: 'new', back: 'x' }), 'VALIDATION_ERROR', /cannot come with an edit/)
    const deck = await store.getDeck(key)
    t.same(
      deck!.cards,
      [
        { ...card('cz', 'cloze'), status: 'new' },
        { ...card('b'), status: 'new' },
      ],
      'nothing changed',
    )
    t.match(await store.updateCard(key, 'cz', { front: '  The {{c1::new answer}} here.  ' }), {
      status: 'edited',
      edited: { front: 'The {{c1::new answer}} here.', back: 'answer cz' },
    })
    t.equal(await store.updateCard(key, 'missing', { status: 'approved' }), null, 'an unknown card')
    await rejectsWithCode(t, store.writeRevision(key, { job_id: 'job-2', cards: [{ ...card('bad'), front: '' }] }), 'VALIDATION_ERROR', /not a valid card/)
    await rejectsWithCode(t, store.writeRevision(key, { job_id: '', cards: [] }), 'VALIDATION_ERROR', /job_id/)
    t.equal((await store.getDeck(key))!.revisions, 1, 'a rejected revision wrote nothing')
  })

  withStore('delete a card from the latest revision, then the whole deck', async (t, store) => {
    await store.writeRevision(key, { job_id: 'job-1', cards: cards('a', 'b', 'c') })
    await store.writeRevision(key, { job_id: 'job-2', cards: cards('a', 'b', 'c') })
    await store.updateCard(key, 'b', { status: 'approved' })
    t.equal(await store.deleteCard(key, 'b'), true)
    t.equal(await store.deleteCard(key, 'b'), false, 'already gone')
    t.same(
      (await store.getDeck(key))!.cards.map((c) => c.id),
      ['a', 'c'],
    )
    t.same(
      (await store.getDeck(key, { revision: 1 }))!.cards.map((c) => c.id),
      ['a', 'b', 'c'],
      'older revisions keep it',
    )
    t.match((await store.listDecks(key.tenant, key.course_id)).items[0], { card_count: 2, counts: { new: 2, approved: 0 } })
    await store.writeRevision({ ...key, module_id: 'mod-2' }, { job_id: 'job-3', cards: cards('a') })
    t.equal(await store.deleteDeck(key), true)
    t.equal(await store.deleteDeck(key), false, 'already gone')
    t.equal(await store.getDeck(key), null)
    t.equal(await store.getDeck(key, { revision: 1 }), null, 'every revision went with it')
    t.same(
      (await store.listDecks(key.tenant, key.course_id)).items.map((i) => i.module_id),
      ['mod-2'],
      'the other deck stays',
    )
    t.same(await store.writeRevision(key, { job_id: 'job-4', cards: cards('n') }), { revision: 1, created: true }, 'a new job starts it over')
  })
}
