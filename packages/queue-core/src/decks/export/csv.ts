import type { ExportNote } from './notes.js'

// Anki's text-import headers (Anki 2.1.55+): each row names its note type, deck, tags and GUID,
// so one file imports into several subdecks and re-importing updates the notes it made before.
// The note types are Anki's built-in "Basic" (Front, Back) and "Cloze" (Text, Back Extra).
const HEADER = [
  '#separator:Comma',
  '#html:true',
  '#guid column:1',
  '#notetype column:2',
  '#deck column:3',
  '#tags column:6',
  '#columns:GUID,Notetype,Deck,Front or Text,Back or Back Extra,Tags',
]

/**
 * A cell starting with = + - @ (or a tab or carriage return) is a formula to a spreadsheet.
 * Fields are HTML, so the first character becomes its entity: Anki still shows the same text.
 */
function neutralise(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `&#${cell.charCodeAt(0)};${cell.slice(1)}` : cell
}

/** RFC 4180: quoted when it holds the separator, a quote or a line break; quotes doubled. */
function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell
}

function row(note: ExportNote): string {
  // Built-in "Basic" has no Source field: a basic note's third field stays out of the CSV.
  const [first, second] = note.fields as [string, string]
  const cells = [note.guid, note.kind === 'cloze' ? 'Cloze' : 'Basic', note.deck, first, second, note.tags.join(' ')]
  return cells.map((cell) => quote(neutralise(cell))).join(',')
}

export function buildCsv(notes: readonly ExportNote[]): string {
  return [...HEADER, ...notes.map(row)].join('\r\n') + '\r\n'
}
