import type { Card } from '../result-schemas.js'

/** Where a card stands in human review. `edited` cards keep their original text beside the edit. */
export type ReviewStatus = 'new' | 'approved' | 'rejected' | 'edited'
export const REVIEW_STATUSES: readonly ReviewStatus[] = ['new', 'approved', 'rejected', 'edited']

/** One deck per (tenant, course, module). Every read and write is scoped by the tenant. */
export interface DeckKey {
  tenant: string
  course_id: string
  module_id: string
}

export interface DeckCard extends Card {
  status: ReviewStatus
  /** The reviewer's text; the generated `front`/`back` stay as they were. `at` is an ISO time. */
  edited?: { front: string; back: string; at: string }
  reviewed_at?: string
}

/** What a completed generation job hands the store. */
export interface DeckRevisionInput {
  job_id: string
  cards: Card[]
  course_title?: string
  module_title?: string
}

export interface Deck {
  key: DeckKey
  /** The revision read (the latest unless one was asked for). */
  revision: number
  /** How many revisions the deck has (= the latest revision number). */
  revisions: number
  /** The job that wrote this revision. */
  job_id: string
  created_at: string
  updated_at: string
  course_title?: string
  module_title?: string
  /** The requested page of cards, after the status filter. */
  cards: DeckCard[]
  /** Cards matching the filter, across all pages. */
  total: number
}

export interface DeckSummary {
  course_id: string
  module_id: string
  module_title?: string
  revision: number
  updated_at: string
  card_count: number
  counts: Record<ReviewStatus, number>
}

export interface DeckQuery {
  revision?: number
  status?: ReviewStatus
  offset?: number
  limit?: number
}

export interface PageQuery {
  offset?: number
  limit?: number
}

export interface CardPatch {
  status?: 'approved' | 'rejected' | 'new'
  front?: string
  back?: string
}

export interface DeckStore {
  /**
   * Writes the cards as the deck's next revision, all or nothing. Idempotent per `job_id`: a
   * job that already wrote a revision of this deck gets that revision back with `created: false`.
   * Cards whose id was in the previous revision keep their review status and edit.
   */
  writeRevision(key: DeckKey, input: DeckRevisionInput): Promise<{ revision: number; created: boolean }>
  /** The latest revision, or the one asked for; null when the deck or revision does not exist. */
  getDeck(key: DeckKey, q?: DeckQuery): Promise<Deck | null>
  listDecks(tenant: string, course_id: string, q?: PageQuery): Promise<{ items: DeckSummary[]; total: number }>
  /** One deck's summary (latest revision, counts); what webhooks carry. Null when there is no deck. */
  getSummary(key: DeckKey): Promise<DeckSummary | null>
  /**
   * Reviews or edits a card of the latest revision. An edit sets status `edited`; throws a
   * VALIDATION_ERROR FlashcardError when the edit is not a valid card. Null when there is no such card.
   */
  updateCard(key: DeckKey, cardId: string, patch: CardPatch): Promise<DeckCard | null>
  /** Removes a card from the latest revision. */
  deleteCard(key: DeckKey, cardId: string): Promise<boolean>
  /** Removes the deck with every revision. */
  deleteDeck(key: DeckKey): Promise<boolean>
  close(): Promise<void>
}

export type DeckStoreKind = 'redis' | 'postgres'

/** Default and largest page of cards or decks. */
export const DECK_PAGE_DEFAULT = 50
export const DECK_PAGE_MAX = 500
