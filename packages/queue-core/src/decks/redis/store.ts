import { FlashcardError } from '../../errors.js'
import { closeRedis, type RedisConnection } from '../../redis.js'
import type { Card } from '../../result-schemas.js'
import { applyPatch, checkPage, checkRevisionInput, emptyCounts, toDeckCard, type CardReview } from '../review.js'
import type { CardPatch, Deck, DeckCard, DeckKey, DeckQuery, DeckRevisionInput, DeckStore, DeckSummary, PageQuery } from '../types.js'
import { deckKeys, revisionKeys, type DeckKeys } from './keys.js'
import { DELETE_CARD, DELETE_DECK, SET_REVIEW, WRITE_REVISION } from './scripts.js'

export interface RedisDeckStoreOptions {
  connection: RedisConnection
  /** The queue prefix as BullMQ uses it (QUEUE_PREFIX). */
  prefix: string
  /** True on a Redis Cluster: each course's keys get their own hash tag. */
  cluster: boolean
  /** Close the connection with the store (when the store opened it). */
  ownsConnection?: boolean
}

interface DeckCommands {
  deckWriteRevision(base: string, index: string, ...args: string[]): Promise<[number, number]>
  deckSetReview(base: string, ...args: string[]): Promise<number>
  deckDeleteCard(base: string, ...args: string[]): Promise<number>
  deckDeleteDeck(base: string, index: string, moduleId: string): Promise<number>
}

/** How many times an update re-reads a card that changed under it before giving up. */
const UPDATE_ATTEMPTS = 10

/** Whole revision as read in one MULTI, so cards, order and reviews belong together. */
interface StoredRevision {
  info: Record<string, string>
  order: string[]
  cards: Record<string, string>
  reviews: Record<string, string>
}

/** The `redis` deck store: the same Redis as the queues, nothing more to run. */
export class RedisDeckStore implements DeckStore {
  private readonly redis: RedisConnection & DeckCommands

  constructor(private readonly options: RedisDeckStoreOptions) {
    const connection = options.connection as RedisConnection & Partial<DeckCommands>
    if (!connection.deckWriteRevision) {
      connection.defineCommand('deckWriteRevision', { lua: WRITE_REVISION, numberOfKeys: 2 })
      connection.defineCommand('deckSetReview', { lua: SET_REVIEW, numberOfKeys: 1 })
      connection.defineCommand('deckDeleteCard', { lua: DELETE_CARD, numberOfKeys: 1 })
      connection.defineCommand('deckDeleteDeck', { lua: DELETE_DECK, numberOfKeys: 2 })
    }
    this.redis = connection as RedisConnection & DeckCommands
  }

  private keys(key: DeckKey): DeckKeys {
    return deckKeys(this.options.prefix, this.options.cluster, key)
  }

  async writeRevision(key: DeckKey, input: DeckRevisionInput): Promise<{ revision: number; created: boolean }> {
    const cards = checkRevisionInput(input)
    const { base, index } = this.keys(key)
    const pairs = cards.flatMap((card) => [card.id, JSON.stringify(card)])
    const [revision, created] = await this.redis.deckWriteRevision(
      base,
      index,
      input.job_id,
      new Date().toISOString(),
      input.course_title ?? '',
      input.module_title ?? '',
      key.module_id,
      ...pairs,
    )
    return { revision, created: created === 1 }
  }

  private async latest(base: string): Promise<number> {
    return Number((await this.redis.hget(`${base}:meta`, 'revisions')) ?? 0)
  }

  private async readRevision(base: string, revision: number): Promise<StoredRevision | null> {
    const keys = revisionKeys(base, revision)
    const replies = await this.redis.multi().hgetall(keys.info).lrange(keys.order, 0, -1).hgetall(keys.cards).hgetall(keys.review).exec()
    const [info, order, cards, reviews] = values(replies) as [Record<string, string>, string[], Record<string, string>, Record<string, string>]
    if (!info?.job_id) return null
    return { info, order, cards, reviews }
  }

  async getDeck(key: DeckKey, q?: DeckQuery): Promise<Deck | null> {
    const page = checkPage(q)
    const { base } = this.keys(key)
    const revisions = await this.latest(base)
    const revision = page.revision ?? revisions
    if (revision < 1 || revision > revisions) return null
    const stored = await this.readRevision(base, revision)
    if (!stored) return null
    const all = stored.order.map((id) => toDeckCard(JSON.parse(stored.cards[id]!) as Card, parseReview(stored.reviews[id])))
    const matching = page.status ? all.filter((card) => card.status === page.status) : all
    return {
      key: { tenant: key.tenant, course_id: key.course_id, module_id: key.module_id },
      revision,
      revisions,
      job_id: stored.info.job_id!,
      created_at: stored.info.created_at!,
      updated_at: stored.info.updated_at!,
      ...titles(stored.info),
      cards: matching.slice(page.offset, page.offset + page.limit),
      total: matching.length,
    }
  }

  async listDecks(tenant: string, course_id: string, q?: PageQuery): Promise<{ items: DeckSummary[]; total: number }> {
    const page = checkPage(q)
    const { index } = deckKeys(this.options.prefix, this.options.cluster, { tenant, course_id })
    const [total, modules] = await Promise.all([this.redis.zcard(index), this.redis.zrange(index, String(page.offset), String(page.offset + page.limit - 1))])
    const summaries = await Promise.all(modules.map((module_id) => this.getSummary({ tenant, course_id, module_id })))
    return { items: summaries.filter((item): item is DeckSummary => item !== null), total }
  }

  async getSummary(key: DeckKey): Promise<DeckSummary | null> {
    const { base } = this.keys(key)
    const revision = await this.latest(base)
    if (revision < 1) return null
    const keys = revisionKeys(base, revision)
    const replies = await this.redis.multi().hgetall(keys.info).llen(keys.order).hvals(keys.review).exec()
    const [info, card_count, reviews] = values(replies) as [Record<string, string> | undefined, number, string[]]
    if (!info?.updated_at) return null
    const counts = emptyCounts()
    for (const review of reviews) counts[parseReview(review)!.status]++
    counts.new = card_count - counts.approved - counts.rejected - counts.edited
    return {
      course_id: key.course_id,
      module_id: key.module_id,
      ...(info.module_title ? { module_title: info.module_title } : {}),
      revision,
      updated_at: info.updated_at,
      card_count,
      counts,
    }
  }

  async updateCard(key: DeckKey, cardId: string, patch: CardPatch): Promise<DeckCard | null> {
    const { base } = this.keys(key)
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const revision = await this.latest(base)
      if (revision < 1) return null
      const keys = revisionKeys(base, revision)
      const replies = await this.redis.multi().hget(keys.cards, cardId).hget(keys.review, cardId).exec()
      const [cardJson, reviewJson] = values(replies) as [string | null, string | null]
      if (!cardJson) return null
      const card = JSON.parse(cardJson) as Card
      const now = new Date().toISOString()
      const next = applyPatch(card, parseReview(reviewJson) ?? { status: 'new' }, patch, now)
      const set = await this.redis.deckSetReview(base, String(revision), cardId, reviewJson ?? '', JSON.stringify(next), now)
      if (set === 0) return null
      if (set === 1) return toDeckCard(card, next)
    }
    throw new FlashcardError('CONFLICT', `Card ${cardId} kept changing during the update; try again`)
  }

  async deleteCard(key: DeckKey, cardId: string): Promise<boolean> {
    return (await this.redis.deckDeleteCard(this.keys(key).base, cardId, new Date().toISOString())) === 1
  }

  async deleteDeck(key: DeckKey): Promise<boolean> {
    const { base, index } = this.keys(key)
    return (await this.redis.deckDeleteDeck(base, index, key.module_id)) === 1
  }

  async close(): Promise<void> {
    if (this.options.ownsConnection) await closeRedis(this.options.connection)
  }
}

/** The results of a MULTI; an aborted one (null) reads as nothing found. */
function values(replies: [Error | null, unknown][] | null): unknown[] {
  if (!replies) return []
  for (const [err] of replies) if (err) throw err
  return replies.map(([, value]) => value)
}

function parseReview(json: string | null | undefined): CardReview | undefined {
  return json ? (JSON.parse(json) as CardReview) : undefined
}

function titles(info: Record<string, string>): { course_title?: string; module_title?: string } {
  return {
    ...(info.course_title ? { course_title: info.course_title } : {}),
    ...(info.module_title ? { module_title: info.module_title } : {}),
  }
}
