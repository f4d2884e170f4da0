import type { Database, SqlJsStatic } from 'sql.js'
import { BASIC_MODEL_ID, CLOZE_MODEL_ID, colConfJson, deckConfJson, decksJson, fieldChecksum, modelsJson, plainText, stableId } from './anki-collection.js'
import type { ExportNote } from './notes.js'

// Anki's collection schema 11: what `collection.anki2` inside an .apkg holds.
const SCHEMA = `
CREATE TABLE col (id integer primary key, crt integer not null, mod integer not null, scm integer not null,
  ver integer not null, dty integer not null, usn integer not null, ls integer not null, conf text not null,
  models text not null, decks text not null, dconf text not null, tags text not null);
CREATE TABLE notes (id integer primary key, guid text not null, mid integer not null, mod integer not null,
  usn integer not null, tags text not null, flds text not null, sfld integer not null, csum integer not null,
  flags integer not null, data text not null);
CREATE TABLE cards (id integer primary key, nid integer not null, did integer not null, ord integer not null,
  mod integer not null, usn integer not null, type integer not null, queue integer not null, due integer not null,
  ivl integer not null, factor integer not null, reps integer not null, lapses integer not null, left integer not null,
  odue integer not null, odid integer not null, flags integer not null, data text not null);
CREATE TABLE revlog (id integer primary key, cid integer not null, usn integer not null, ease integer not null,
  ivl integer not null, lastIvl integer not null, factor integer not null, time integer not null, type integer not null);
CREATE TABLE graves (usn integer not null, oid integer not null, type integer not null);
CREATE INDEX ix_notes_usn on notes (usn);
CREATE INDEX ix_cards_usn on cards (usn);
CREATE INDEX ix_revlog_usn on revlog (usn);
CREATE INDEX ix_cards_nid on cards (nid);
CREATE INDEX ix_cards_sched on cards (did, queue, due);
CREATE INDEX ix_revlog_cid on revlog (cid);
CREATE INDEX ix_notes_csum on notes (csum);
`

let sqlJs: Promise<SqlJsStatic> | undefined

// sql.js (SQLite in WebAssembly) is loaded on the first .apkg export only.
async function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= import('sql.js').then((mod) => (mod.default as unknown as () => Promise<SqlJsStatic>)())
  return sqlJs
}

/** The card ordinals of a cloze text: one card per distinct deletion number (`c1` → 0). */
export function clozeOrdinals(text: string): number[] {
  const numbers = new Set([...text.matchAll(/\{\{c(\d+)::/g)].map((m) => Number(m[1])))
  return [...numbers]
    .filter((n) => n > 0)
    .sort((a, b) => a - b)
    .map((n) => n - 1)
}

function writeCollection(db: Database, notes: readonly ExportNote[], nowSeconds: number): void {
  db.run(SCHEMA)
  const decks = decksJson(new Set(notes.map((n) => n.deck)), nowSeconds)
  const firstDeck = notes.length ? decks.ids.get(notes[0]!.deck)! : 1
  db.run('INSERT INTO col VALUES (1, ?, ?, ?, 11, 0, 0, 0, ?, ?, ?, ?, ?)', [
    nowSeconds - (nowSeconds % 86_400),
    nowSeconds * 1000,
    nowSeconds * 1000,
    colConfJson(firstDeck),
    modelsJson(nowSeconds),
    decks.json,
    deckConfJson(nowSeconds),
    '{}',
  ])
  const insertNote = db.prepare("INSERT INTO notes VALUES (?, ?, ?, ?, -1, ?, ?, ?, ?, 0, '')")
  const insertCard = db.prepare("INSERT INTO cards VALUES (?, ?, ?, ?, ?, -1, 0, 0, ?, 0, 0, 0, 0, 0, 0, 0, 0, '')")
  try {
    notes.forEach((note, index) => {
      const noteId = stableId('note', note.guid)
      const model = note.kind === 'cloze' ? CLOZE_MODEL_ID : BASIC_MODEL_ID
      // Anki's tag column: space-separated with a space at each end.
      const tags = note.tags.length ? ` ${note.tags.join(' ')} ` : ''
      const sortField = plainText(note.fields[0]!)
      insertNote.run([noteId, note.guid, model, note.mod, tags, note.fields.join('\x1f'), sortField, fieldChecksum(note.fields[0]!)])
      const ordinals = note.kind === 'cloze' ? clozeOrdinals(note.fields[0]!) : [0]
      for (const ord of ordinals) {
        insertCard.run([stableId('card', note.guid, ord), noteId, decks.ids.get(note.deck)!, ord, note.mod, index + 1])
      }
    })
  } finally {
    insertNote.free()
    insertCard.free()
  }
}

/** The notes as an Anki package: `collection.anki2` (SQLite) and an empty `media` map, zipped. */
export async function buildApkg(notes: readonly ExportNote[], now: Date = new Date()): Promise<Buffer> {
  const [SQL, { zipSync, strToU8 }] = await Promise.all([loadSqlJs(), import('fflate')])
  const db = new SQL.Database()
  try {
    writeCollection(db, notes, Math.floor(now.getTime() / 1000))
    const zipped = zipSync({ 'collection.anki2': db.export(), media: strToU8('{}') })
    return Buffer.from(zipped.buffer, zipped.byteOffset, zipped.byteLength)
  } finally {
    db.close()
  }
}
