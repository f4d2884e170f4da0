import type { Fragment, Sql, TransactionSql } from 'postgres'
import type { Card } from '../../result-schemas.js'
import { applyPatch, checkPage, checkRevisionInput, emptyCounts, toDeckCard, type CardReview } from '../review.js'
import type { CardPatch, Deck, DeckCard, DeckKey, DeckQuery, DeckRevisionInput, DeckStore, DeckSummary, PageQuery, ReviewStatus } from '../types.js'
import { migrate } from './migrations.js'

export interface PostgresDeckStoreOptions {
  /** DATABASE_URL. */
  url: string
  /** Schema the tables live in (default: the connection's search_path, normally `public`). */
  schema?: string
  /** Pool size (default 5). */
  max?: number
}

interface CardRow {
  card: Card
  status: ReviewStatus
  edited: DeckCard['edited'] | null
  reviewed_at: Date | null
}

/**
 * The `postgres` deck store. The driver is `postgres` (porsager): no dependencies of its own,
 * its own TypeScript types, pooled tagged-template queries that are always parameterised. It is
 * imported only here, and this module only when DECK_STORE=postgres, so Redis-only hosts never
 * load it.
 */
export async function openPostgresDeckStore(options: PostgresDeckStoreOptions): Promise<PostgresDeckStore> {
  const { default: postgres } = await import('postgres')
  const sql = postgres(options.url, {
    max: options.max ?? 5,
    onnotice: () => {},
    ...(options.schema ? { connection: { search_path: options.schema } } : {}),
  })
  try {
    await migrate(sql)
  } catch (err) {
    await sql.end({ timeout: 1 })
    throw err
  }
  return new PostgresDeckStore(sql)
}

export class PostgresDeckStore implements DeckStore {
  constructor(private readonly sql: Sql) {}

  async writeRevision(key: DeckKey, input: DeckRevisionInput): Promise<{ revision: number; created: boolean }> {
    const cards = checkRevisionInput(input)
    return this.sql.begin(async (tx) => {
      await tx`INSERT INTO decks (tenant, course_id, module_id) VALUES (${key.tenant}, ${key.course_id}, ${key.module_id})
        ON CONFLICT ON CONSTRAINT decks_key DO NOTHING`
      // The row lock serialises writers (and reviewers) of this deck until commit.
      const [deck] = await tx<{ id: string; revisions: number }[]>`SELECT id, revisions FROM decks
        WHERE tenant = ${key.tenant} AND course_id = ${key.course_id} AND module_id = ${key.module_id} FOR UPDATE`
      const [done] = await tx<{ revision: number }[]>`SELECT revision FROM deck_revisions WHERE deck_id = ${deck!.id} AND job_id = ${input.job_id}`
      if (done) return { revision: done.revision, created: false }
      const revision = deck!.revisions + 1
      await tx`INSERT INTO deck_revisions (deck_id, revision, job_id, course_title, module_title, created_at, updated_at)
        VALUES (${deck!.id}, ${revision}, ${input.job_id}, ${input.course_title ?? null}, ${input.module_title ?? null}, now(), now())`
      // Cards kept from the previous revision (same id) keep their review.
      await tx`INSERT INTO deck_cards (deck_id, revision, card_id, position, card, status, edited, reviewed_at)
        SELECT ${deck!.id}, ${revision}, c.card->>'id', c.ord, c.card, coalesce(p.status, 'new'), p.edited, p.reviewed_at
        FROM jsonb_array_elements(${tx.json(cards)}) WITH ORDINALITY AS c (card, ord)
        LEFT JOIN deck_cards p ON p.deck_id = ${deck!.id} AND p.revision = ${revision - 1} AND p.card_id = c.card->>'id'`
      await tx`UPDATE decks SET revisions = ${revision} WHERE id = ${deck!.id}`
      return { revision, created: true }
    })
  }

  async getDeck(key: DeckKey, q?: DeckQuery): Promise<Deck | null> {
    const page = checkPage(q)
    const [row] = await this.sql<
      { id: string; revisions: number; revision: number; job_id: string; course_title: string | null; module_title: string | null; created_at: Date; updated_at: Date }[]
    >`
      SELECT d.id, d.revisions, r.revision, r.job_id, r.course_title, r.module_title, r.created_at, r.updated_at
      FROM decks d JOIN deck_revisions r ON r.deck_id = d.id AND r.revision = ${page.revision ?? this.sql`d.revisions`}
      WHERE d.tenant = ${key.tenant} AND d.course_id = ${key.course_id} AND d.module_id = ${key.module_id}`
    if (!row) return null
    const filter = page.status ? this.sql`AND status = ${page.status}` : this.sql``
    const [cards, [count]] = await Promise.all([
      this.sql<CardRow[]>`SELECT card, status, edited, reviewed_at FROM deck_cards
        WHERE deck_id = ${row.id} AND revision = ${row.revision} ${filter}
        ORDER BY position OFFSET ${page.offset} LIMIT ${page.limit}`,
      this.sql<{ total: number }[]>`SELECT count(*)::int AS total FROM deck_cards WHERE deck_id = ${row.id} AND revision = ${row.revision} ${filter}`,
    ])
    return {
      key: { tenant: key.tenant, course_id: key.course_id, module_id: key.module_id },
      revision: row.revision,
      revisions: row.revisions,
      job_id: row.job_id,
      created_at: row.created_at.toISOString(),
      updated_at: row.updated_at.toISOString(),
      ...(row.course_title !== null ? { course_title: row.course_title } : {}),
      ...(row.module_title !== null ? { module_title: row.module_title } : {}),
      cards: cards.map(fromRow),
      total: count!.total,
    }
  }

  async listDecks(tenant: string, course_id: string, q?: PageQuery): Promise<{ items: DeckSummary[]; total: number }> {
    const page = checkPage(q)
    const decks = this.sql`SELECT id, module_id, revisions FROM decks WHERE tenant = ${tenant} AND course_id = ${course_id}
      AND revisions > 0 ORDER BY module_id OFFSET ${page.offset} LIMIT ${page.limit}`
    const [items, [count]] = await Promise.all([
      this.summaries(course_id, decks),
      this.sql<{ total: number }[]>`SELECT count(*)::int AS total FROM decks WHERE tenant = ${tenant} AND course_id = ${course_id} AND revisions > 0`,
    ])
    return { items, total: count!.total }
  }

  async getSummary(key: DeckKey): Promise<DeckSummary | null> {
    const decks = this.sql`SELECT id, module_id, revisions FROM decks
      WHERE tenant = ${key.tenant} AND course_id = ${key.course_id} AND module_id = ${key.module_id} AND revisions > 0`
    const [item] = await this.summaries(key.course_id, decks)
    return item ?? null
  }

  /** Summaries of the decks a subquery (id, module_id, revisions) selects, in module order. */
  private async summaries(course_id: string, decks: Fragment): Promise<DeckSummary[]> {
    const rows = await this.sql<{ module_id: string; module_title: string | null; revision: number; updated_at: Date; status: ReviewStatus | null; n: number }[]>`
      SELECT p.module_id, r.module_title, r.revision, r.updated_at, c.status, count(c.card_id)::int AS n
      FROM (${decks}) p
      JOIN deck_revisions r ON r.deck_id = p.id AND r.revision = p.revisions
      LEFT JOIN deck_cards c ON c.deck_id = p.id AND c.revision = p.revisions
      GROUP BY p.module_id, r.module_title, r.revision, r.updated_at, c.status ORDER BY p.module_id`
    const items = new Map<string, DeckSummary>()
    for (const row of rows) {
      let item = items.get(row.module_id)
      if (!item) {
        item = {
          course_id,
          module_id: row.module_id,
          ...(row.module_title !== null ? { module_title: row.module_title } : {}),
          revision: row.revision,
          updated_at: row.updated_at.toISOString(),
          card_count: 0,
          counts: emptyCounts(),
        }
        items.set(row.module_id, item)
      }
      if (row.status === null) continue
      item.counts[row.status] += row.n
      item.card_count += row.n
    }
    return [...items.values()]
  }

  async updateCard(key: DeckKey, cardId: string, patch: CardPatch): Promise<DeckCard | null> {
    return this.sql.begin(async (tx) => {
      const deck = await lockDeck(tx, key)
      if (!deck) return null
      const [row] = await tx<CardRow[]>`SELECT card, status, edited, reviewed_at FROM deck_cards
        WHERE deck_id = ${deck.id} AND revision = ${deck.revisions} AND card_id = ${cardId}`
      if (!row) return null
      const now = new Date().toISOString()
      const next = applyPatch(row.card, reviewOf(row), patch, now)
      await tx`UPDATE deck_cards SET status = ${next.status}, edited = ${next.edited ? tx.json(next.edited) : null},
        reviewed_at = ${next.reviewed_at ?? null} WHERE deck_id = ${deck.id} AND revision = ${deck.revisions} AND card_id = ${cardId}`
      await tx`UPDATE deck_revisions SET updated_at = ${now} WHERE deck_id = ${deck.id} AND revision = ${deck.revisions}`
      return toDeckCard(row.card, next)
    })
  }

  async deleteCard(key: DeckKey, cardId: string): Promise<boolean> {
    return this.sql.begin(async (tx) => {
      const deck = await lockDeck(tx, key)
      if (!deck) return false
      const removed = await tx`DELETE FROM deck_cards WHERE deck_id = ${deck.id} AND revision = ${deck.revisions} AND card_id = ${cardId}`
      if (removed.count === 0) return false
      await tx`UPDATE deck_revisions SET updated_at = now() WHERE deck_id = ${deck.id} AND revision = ${deck.revisions}`
      return true
    })
  }

  async deleteDeck(key: DeckKey): Promise<boolean> {
    const removed = await this.sql`DELETE FROM decks
      WHERE tenant = ${key.tenant} AND course_id = ${key.course_id} AND module_id = ${key.module_id}`
    return removed.count > 0
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 })
  }
}

async function lockDeck(tx: TransactionSql, key: DeckKey): Promise<{ id: string; revisions: number } | undefined> {
  const [deck] = await tx<{ id: string; revisions: number }[]>`SELECT id, revisions FROM decks
    WHERE tenant = ${key.tenant} AND course_id = ${key.course_id} AND module_id = ${key.module_id} AND revisions > 0 FOR UPDATE`
  return deck
}

function reviewOf(row: CardRow): CardReview {
  return {
    status: row.status,
    ...(row.edited ? { edited: row.edited } : {}),
    ...(row.reviewed_at ? { reviewed_at: row.reviewed_at.toISOString() } : {}),
  }
}

function fromRow(row: CardRow): DeckCard {
  return toDeckCard(row.card, reviewOf(row))
}
