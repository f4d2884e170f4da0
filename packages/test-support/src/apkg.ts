import { unzipSync, strFromU8 } from 'fflate'
import initSqlJs from 'sql.js'

/** An .apkg read the way Anki reads it: the zip's `collection.anki2` opened as SQLite. */
export interface ApkgContents {
  files: string[]
  media: unknown
  integrity: string
  col: { ver: number; models: Record<string, any>; decks: Record<string, any>; dconf: Record<string, any>; conf: Record<string, any> }
  notes: { id: number; guid: string; mid: number; mod: number; tags: string[]; fields: string[]; sfld: string; csum: number }[]
  cards: { id: number; nid: number; did: number; ord: number; type: number; queue: number; due: number }[]
}

type Row = Record<string, number | string | Uint8Array | null>

export async function readApkg(bytes: Uint8Array): Promise<ApkgContents> {
  const zip = unzipSync(bytes)
  const collection = zip['collection.anki2']
  if (!collection) throw new Error(`no collection.anki2 in the package (files: ${Object.keys(zip).join(', ')})`)
  const SQL = await initSqlJs()
  const db = new SQL.Database(collection)
  try {
    const rows = (sql: string): Row[] => {
      const [result] = db.exec(sql)
      if (!result) return []
      return result.values.map((values) => Object.fromEntries(result.columns.map((c, i) => [c, values[i] ?? null])))
    }
    const col = rows('SELECT ver, models, decks, dconf, conf FROM col')[0]!
    return {
      files: Object.keys(zip).sort(),
      media: JSON.parse(strFromU8(zip.media ?? new Uint8Array())),
      integrity: String(rows('PRAGMA integrity_check')[0]!.integrity_check),
      col: {
        ver: Number(col.ver),
        models: JSON.parse(String(col.models)),
        decks: JSON.parse(String(col.decks)),
        dconf: JSON.parse(String(col.dconf)),
        conf: JSON.parse(String(col.conf)),
      },
      notes: rows('SELECT id, guid, mid, mod, tags, flds, sfld, csum FROM notes ORDER BY id').map((r) => ({
        id: Number(r.id),
        guid: String(r.guid),
        mid: Number(r.mid),
        mod: Number(r.mod),
        tags: String(r.tags).trim().split(' ').filter(Boolean),
        fields: String(r.flds).split('\x1f'),
        sfld: String(r.sfld),
        csum: Number(r.csum),
      })),
      cards: rows('SELECT id, nid, did, ord, type, queue, due FROM cards ORDER BY nid, ord').map((r) => ({
        id: Number(r.id),
        nid: Number(r.nid),
        did: Number(r.did),
        ord: Number(r.ord),
        type: Number(r.type),
        queue: Number(r.queue),
        due: Number(r.due),
      })),
    }
  } finally {
    db.close()
  }
}

/** The deck id of a deck name in the collection's decks JSON. */
export function deckIdByName(contents: ApkgContents, name: string): number | undefined {
  const deck = Object.values(contents.col.decks).find((d) => d.name === name)
  return deck ? Number(deck.id) : undefined
}
