import { createHash } from 'node:crypto'
import type { Deck, DeckCard, DeckKey } from '../types.js'

/** What an export needs of a deck: its key, titles and every card (not one page of them). */
export type ExportDeck = Pick<Deck, 'key' | 'course_title' | 'module_title' | 'cards' | 'updated_at'>

/** One Anki note as both the .apkg and the CSV write it: fields are HTML, tags have no spaces. */
export interface ExportNote {
  guid: string
  kind: 'basic' | 'cloze'
  /** basic: Front, Back, Source. cloze: Text, Back Extra (the source). */
  fields: string[]
  tags: string[]
  /** `Course::Module`, Anki's subdeck notation. */
  deck: string
  /** Seconds since the epoch: when the card last changed, so Anki's "update if newer" sees edits. */
  mod: number
}

const CLOZE_DELETION = /\{\{c[1-9]\d*::/

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Card text is plain text: escaped so Anki (which renders fields as HTML) shows it as written. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!).replace(/\r?\n/g, '<br>')
}

/**
 * A GUID stable across exports of the same card, so re-importing an updated deck updates notes
 * instead of duplicating them. Hashing the tenant in keeps two tenants' identical decks apart.
 */
export function noteGuid(key: DeckKey, cardId: string): string {
  const { tenant, course_id, module_id } = key
  return createHash('sha256').update([tenant, course_id, module_id, cardId].join('\x1f')).digest('hex').slice(0, 20)
}

/** Anki tags: no spaces (they separate tags), no empty ones. */
export function ankiTag(raw: string): string {
  return raw.trim().replace(/\s+/g, '_')
}

// A deck-name part must not open a subdeck of its own, carry control characters, or start like
// a spreadsheet formula (the CSV's deck column is not HTML, so it cannot be escaped there).
function deckPart(name: string): string {
  const cleaned = name
    .replace(/[\x00-\x1f\x7f]/g, ' ')
    .replace(/::/g, ':')
    .replace(/^[\s=+\-@]+/, '')
    .trim()
  return cleaned === '' ? '-' : cleaned
}

export function deckName(deck: ExportDeck): string {
  return `${deckPart(deck.course_title ?? deck.key.course_id)}::${deckPart(deck.module_title ?? deck.key.module_id)}`
}

function formatSeconds(total: number): string {
  const s = Math.floor(total)
  const hours = Math.floor(s / 3600)
  const mmss = `${String(Math.floor((s % 3600) / 60)).padStart(hours ? 2 : 1, '0')}:${String(s % 60).padStart(2, '0')}`
  return hours ? `${hours}:${mmss}` : mmss
}

/** Where the card came from, shown under the answer (a learner can go back to the source). */
export function sourceText(card: DeckCard): string {
  const source = card.source as DeckCard['source'] & { file?: string }
  const parts = [source.file, source.heading].filter((p): p is string => typeof p === 'string' && p !== '')
  if (source.start_seconds !== undefined) {
    const end = source.end_seconds === undefined ? '' : `–${formatSeconds(source.end_seconds)}`
    parts.push(`${formatSeconds(source.start_seconds)}${end}`)
  }
  return parts.join(' · ')
}

function cardTags(deck: ExportDeck, card: DeckCard): string[] {
  const tags = [`course:${deck.key.course_id}`, `module:${deck.key.module_id}`]
  if (card.source.heading) tags.push(`section:${card.source.heading}`)
  for (const tag of card.tags ?? []) tags.push(tag)
  return [...new Set(tags.map(ankiTag).filter((t) => t !== ''))]
}

/** The text a learner sees: the reviewer's edit when there is one. */
export function shownText(card: DeckCard): { front: string; back: string } {
  return card.edited ? { front: card.edited.front, back: card.edited.back } : { front: card.front, back: card.back }
}

function toSeconds(iso: string | undefined): number {
  const ms = iso ? Date.parse(iso) : NaN
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0
}

/** The notes of the decks, rejected cards left out, in deck then card order. */
export function exportNotes(decks: readonly ExportDeck[]): ExportNote[] {
  const notes: ExportNote[] = []
  for (const deck of decks) {
    const name = deckName(deck)
    for (const card of deck.cards) {
      if (card.status === 'rejected') continue
      const { front, back } = shownText(card)
      const source = escapeHtml(sourceText(card))
      // A cloze without a deletion would give Anki a note with no card: it goes out as basic.
      const kind = card.type === 'cloze' && CLOZE_DELETION.test(front) ? 'cloze' : 'basic'
      const fields = kind === 'cloze' ? [escapeHtml(front), source] : [escapeHtml(front), escapeHtml(back), source]
      const mod = Math.max(toSeconds(deck.updated_at), toSeconds(card.edited?.at), toSeconds(card.reviewed_at))
      notes.push({ guid: noteGuid(deck.key, card.id), kind, fields, tags: cardTags(deck, card), deck: name, mod })
    }
  }
  return notes
}
