import type { Deck } from '../types.js'
import { buildApkg } from './apkg.js'
import { buildCsv } from './csv.js'
import { exportNotes } from './notes.js'

export const EXPORT_FORMATS = ['apkg', 'csv', 'json'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** A file ready to send: body, media type and a download name built from the (safe) ids. */
export interface DeckExport {
  body: Buffer | string
  contentType: string
  filename: string
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  // No registered type exists for Anki packages; a download is what a browser should do with it.
  apkg: 'application/octet-stream',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
}

/**
 * Exports whole decks (every card, not a page): one module's deck, or a course's decks as one
 * file with a subdeck per module. Rejected cards stay out of apkg and csv; json is the decks as
 * the API returns them, review status included. `course_id` names a course export.
 */
export async function exportDecks(decks: readonly Deck[], format: ExportFormat, scope: { course_id: string; module_id?: string }): Promise<DeckExport> {
  const filename = `${[scope.course_id, scope.module_id].filter(Boolean).join('-')}.${format}`
  const contentType = CONTENT_TYPES[format]
  if (format === 'json') {
    const body = scope.module_id ? decks[0] : { course_id: scope.course_id, decks }
    return { body: JSON.stringify(body, null, 2), contentType, filename }
  }
  const notes = exportNotes(decks)
  const body = format === 'apkg' ? await buildApkg(notes) : buildCsv(notes)
  return { body, contentType, filename }
}
