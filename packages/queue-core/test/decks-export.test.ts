import { createHash } from 'node:crypto'
import t from 'tap'
import { deckIdByName, readApkg } from '@flashcards/test-support/apkg'
import type { Deck, DeckCard } from '../src/decks/types.js'
import { BASIC_MODEL_ID, CLOZE_MODEL_ID, exportDecks, noteGuid } from '../src/decks/export/index.js'

function card(id: string, over: Partial<DeckCard> = {}): DeckCard {
  return {
    id,
    type: 'basic',
    front: `Front ${id}`,
    back: `Back ${id}`,
    source: { module_id: 'm1', chunk_id: 'c1', heading: 'Pipes and Filters' },
    status: 'new',
    ...over,
  }
}

function deck(module_id: string, cards: DeckCard[], over: Partial<Deck> = {}): Deck {
  return {
    key: { tenant: 'acme', course_id: 'shell', module_id },
    revision: 1,
    revisions: 1,
    job_id: 'job-1',
    created_at: '2026-12-01T10:00:00.000Z',
    updated_at: '2026-12-01T10:00:00.000Z',
    course_title: 'Unix Shell',
    cards,
    total: cards.length,
    ...over,
  }
}

const XSS = '<img src=x onerror=alert(1)> & "quotes"'
const m1 = deck(
  'm1',
  [
    card('b1', { front: XSS, back: 'An image tag\nsecond line', tags: ['kind:definition', 'two words'] }),
    card('z1', { type: 'cloze', front: 'In the shell, | between two commands is a {{c1::pipe}}.', back: 'pipe' }),
    card('z2', { type: 'cloze', front: '{{c1::wc}} counts lines; {{c2::-l}} prints only lines.', back: 'wc' }),
    card('r1', { status: 'rejected', front: 'Rejected front' }),
    card('e1', { status: 'edited', edited: { front: 'Edited front', back: 'Edited back', at: '2026-12-01T11:00:00.000Z' } }),
    card('t1', { source: { module_id: 'm1', chunk_id: 'c9', start_seconds: 75, end_seconds: 3725 } }),
  ],
  { module_title: 'Pipes' },
)
const m2 = deck('m2', [card('b2', { front: '=HYPERLINK("http://evil")', back: '-p' })])

t.test('apkg: the collection Anki opens, checked through SQLite', async (t) => {
  const file = await exportDecks([m1, m2], 'apkg', { course_id: 'shell' })
  t.equal(file.filename, 'shell.apkg')
  t.equal(file.contentType, 'application/octet-stream')
  const apkg = await readApkg(file.body as Buffer)
  t.same(apkg.files, ['collection.anki2', 'media'])
  t.same(apkg.media, {})
  t.equal(apkg.integrity, 'ok')
  t.equal(apkg.col.ver, 11)

  const basic = apkg.col.models[BASIC_MODEL_ID]
  const cloze = apkg.col.models[CLOZE_MODEL_ID]
  t.equal(basic.type, 0)
  t.same(
    basic.flds.map((f: { name: string }) => f.name),
    ['Front', 'Back', 'Source'],
  )
  t.equal(cloze.type, 1)
  t.equal(cloze.tmpls[0].qfmt, '{{cloze:Text}}')
  t.same(
    cloze.flds.map((f: { name: string }) => f.name),
    ['Text', 'Back Extra'],
  )
  t.ok(apkg.col.dconf[String(apkg.col.decks[deckIdByName(apkg, 'Default')!].conf)], 'decks point at an existing options group')

  const pipes = deckIdByName(apkg, 'Unix Shell::Pipes')
  const second = deckIdByName(apkg, 'Unix Shell::m2')
  t.ok(pipes && second && deckIdByName(apkg, 'Unix Shell'), 'a subdeck per module under the course deck')

  t.equal(apkg.notes.length, 6, 'every card but the rejected one')
  const byGuid = new Map(apkg.notes.map((n) => [n.guid, n]))
  const note = (deckOf: Deck, id: string) => byGuid.get(noteGuid(deckOf.key, id))!
  t.notOk(byGuid.has(noteGuid(m1.key, 'r1')), 'rejected card not exported')

  const xss = note(m1, 'b1')
  t.equal(xss.mid, BASIC_MODEL_ID)
  t.same(xss.fields, ['&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;', 'An image tag<br>second line', 'Pipes and Filters'])
  t.equal(xss.sfld, XSS, 'sort field is the plain text')
  t.equal(xss.csum, parseInt(createHash('sha1').update(XSS).digest('hex').slice(0, 8), 16), "Anki's checksum of the sort field")
  t.same(xss.tags, ['course:shell', 'module:m1', 'section:Pipes_and_Filters', 'kind:definition', 'two_words'])
  t.same(
    apkg.notes.flatMap((n) => n.tags).filter((tag) => /\s/.test(tag)),
    [],
    'tags have no spaces',
  )

  t.same(note(m1, 'e1').fields.slice(0, 2), ['Edited front', 'Edited back'], 'edited text exported')
  t.equal(note(m1, 'e1').mod, Date.parse('2026-12-01T11:00:00.000Z') / 1000, 'mod moves with the edit')
  t.equal(note(m1, 't1').fields[2], '1:15–1:02:05', 'transcript time as the source')

  const oneCloze = note(m1, 'z1')
  t.equal(oneCloze.mid, CLOZE_MODEL_ID)
  t.same(oneCloze.fields, ['In the shell, | between two commands is a {{c1::pipe}}.', 'Pipes and Filters'])
  const cardsOf = (nid: number) => apkg.cards.filter((c) => c.nid === nid)
  t.same(
    cardsOf(oneCloze.id).map((c) => c.ord),
    [0],
  )
  t.same(
    cardsOf(note(m1, 'z2').id).map((c) => c.ord),
    [0, 1],
    'one card per cloze deletion',
  )
  t.same(
    cardsOf(xss.id).map((c) => [c.ord, c.did, c.type, c.queue]),
    [[0, pipes, 0, 0]],
    'a new card in its module subdeck',
  )
  t.equal(cardsOf(note(m2, 'b2').id)[0]!.did, second)
  t.equal(apkg.cards.length, 7)
})

t.test('apkg: GUIDs and ids stay the same across exports, differ across tenants', async (t) => {
  const first = await readApkg((await exportDecks([m1], 'apkg', { course_id: 'shell', module_id: 'm1' })).body as Buffer)
  const again = await readApkg((await exportDecks([m1], 'apkg', { course_id: 'shell', module_id: 'm1' })).body as Buffer)
  t.same(
    again.notes.map((n) => [n.id, n.guid]),
    first.notes.map((n) => [n.id, n.guid]),
  )
  t.same(
    again.cards.map((c) => c.id),
    first.cards.map((c) => c.id),
  )
  const other = deck('m1', m1.cards, { key: { tenant: 'globex', course_id: 'shell', module_id: 'm1' } })
  const theirs = await readApkg((await exportDecks([other], 'apkg', { course_id: 'shell' })).body as Buffer)
  const ours = new Set(first.notes.map((n) => n.guid))
  t.notOk(theirs.notes.some((n) => ours.has(n.guid)))
})

t.test('apkg of an empty deck still opens', async (t) => {
  const apkg = await readApkg((await exportDecks([deck('m3', [])], 'apkg', { course_id: 'shell', module_id: 'm3' })).body as Buffer)
  t.equal(apkg.integrity, 'ok')
  t.equal(apkg.notes.length, 0)
})

/** RFC 4180 reader, enough for the test: quoted cells, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else cell += c
  }
  return rows
}

t.test('csv: Anki import headers, RFC 4180 quoting, no formulas', async (t) => {
  const file = await exportDecks([m1, m2], 'csv', { course_id: 'shell' })
  t.equal(file.contentType, 'text/csv; charset=utf-8')
  const text = String(file.body)
  const lines = text.split('\r\n')
  t.same(lines.slice(0, 6), ['#separator:Comma', '#html:true', '#guid column:1', '#notetype column:2', '#deck column:3', '#tags column:6'])
  const rows = parseCsv(text).filter((r) => !r[0]!.startsWith('#'))
  t.equal(rows.length, 6)
  for (const r of rows) t.equal(r.length, 6, 'six cells per row')
  const row = (d: Deck, id: string) => rows.find((r) => r[0] === noteGuid(d.key, id))!
  t.same(row(m1, 'b1').slice(1, 5), ['Basic', 'Unix Shell::Pipes', '&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;', 'An image tag<br>second line'])
  t.match(text, /,"&lt;img src=x onerror=alert\(1\)&gt; &amp; &quot;quotes&quot;",|,&lt;img src=x/, 'html cell written as one cell')
  t.same(row(m1, 'z2').slice(1, 5), ['Cloze', 'Unix Shell::Pipes', '{{c1::wc}} counts lines; {{c2::-l}} prints only lines.', 'Pipes and Filters'])
  t.equal(row(m1, 'b1')[5], 'course:shell module:m1 section:Pipes_and_Filters kind:definition two_words')
  const formula = row(m2, 'b2')
  t.equal(formula[3], '&#61;HYPERLINK(&quot;http://evil&quot;)', 'leading = becomes an entity Anki renders as =')
  t.equal(formula[4], '&#45;p', 'leading - likewise')
  t.same(
    rows.flat().filter((c) => /^[=+\-@\t\r]/.test(c)),
    [],
    'no cell starts like a formula',
  )
  t.notOk(
    rows.some((r) => r[0] === noteGuid(m1.key, 'r1')),
    'rejected card not exported',
  )
})

t.test('csv with commas, quotes and line breaks in the deck title', async (t) => {
  const odd = deck('m9', [card('x1', { front: 'a, "b"', back: '@home' })], { course_title: '+Course, "one"\nnew', module_title: 'a::b' })
  const rows = parseCsv(String((await exportDecks([odd], 'csv', { course_id: 'shell' })).body)).filter((r) => !r[0]!.startsWith('#'))
  t.same(rows, [[noteGuid(odd.key, 'x1'), 'Basic', 'Course, "one" new::a:b', 'a, &quot;b&quot;', '&#64;home', 'course:shell module:m9 section:Pipes_and_Filters']])
})

t.test('json: the decks as the API returns them', async (t) => {
  const one = await exportDecks([m1], 'json', { course_id: 'shell', module_id: 'm1' })
  t.equal(one.filename, 'shell-m1.json')
  t.same(JSON.parse(String(one.body)), m1)
  const course = await exportDecks([m1, m2], 'json', { course_id: 'shell' })
  t.same(JSON.parse(String(course.body)), { course_id: 'shell', decks: [m1, m2] })
})
