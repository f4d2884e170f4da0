import { DECK_PAGE_MAX, type Deck, type DeckKey, type DeckStore } from '../types.js'
import { exportDecks, type DeckExport, type ExportFormat } from './export-decks.js'

/** Every card of a deck, page after page of the same revision (a newer one may land meanwhile). */
export async function readWholeDeck(store: DeckStore, key: DeckKey): Promise<Deck | null> {
  const first = await store.getDeck(key, { limit: DECK_PAGE_MAX })
  if (!first) return null
  const cards = [...first.cards]
  while (cards.length < first.total) {
    const page = await store.getDeck(key, { revision: first.revision, offset: cards.length, limit: DECK_PAGE_MAX })
    if (!page || page.cards.length === 0) break
    cards.push(...page.cards)
  }
  return { ...first, cards, total: cards.length }
}

/** Every deck of a course, whole, in the store's list order. */
export async function readCourseDecks(store: DeckStore, tenant: string, course_id: string): Promise<Deck[]> {
  const decks: Deck[] = []
  for (let offset = 0; ;) {
    const page = await store.listDecks(tenant, course_id, { offset, limit: DECK_PAGE_MAX })
    for (const summary of page.items) {
      const deck = await readWholeDeck(store, { tenant, course_id, module_id: summary.module_id })
      if (deck) decks.push(deck)
    }
    offset += page.items.length
    if (page.items.length === 0 || offset >= page.total) return decks
  }
}

/**
 * Exports a module's deck (with `module_id`) or a course's decks as one file; null when there
 * is nothing of that tenant to export.
 */
export async function exportFromStore(store: DeckStore, scope: { tenant: string; course_id: string; module_id?: string }, format: ExportFormat): Promise<DeckExport | null> {
  const { tenant, course_id, module_id } = scope
  const decks = module_id ? [await readWholeDeck(store, { tenant, course_id, module_id })].filter((d): d is Deck => d !== null) : await readCourseDecks(store, tenant, course_id)
  if (decks.length === 0) return null
  return exportDecks(decks, format, module_id ? { course_id, module_id } : { course_id })
}
