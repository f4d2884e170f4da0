import { MAX_ANSWER_WORDS } from '../../pipeline/card-lint.js'
import type { Block } from '../../pipeline/normalise.js'
import type { Concept } from '../types.js'

type Draft = Omit<Concept, 'chunk_id'>
type Table = Extract<Block, { kind: 'table' }>

/** A first header that names no thing ("Feature", "", "Property"): the columns are the things compared, the rows their properties. */
const PROPERTY_HEADER = /^(?:features?|propert(?:y|ies)|aspects?|characteristics?|criteri(?:on|a)|attributes?|comparison|categor(?:y|ies)|parameters?|differences?)?$/i
const UNIT_HEADER = /^(?:units?|measured in)$/i
/** Cells that are no answer to recall: empty, a dash, a tick, yes or no. */
const NO_ANSWER = /^(?:[-–—?✓✔✗✘×x]|n\/?a|none|yes|no|true|false|varies)?$/i

/**
 * Each cell of a table is a fact about its row and its column: "| Heart rate | 60–100 | beats per
 * minute |" under "| Sign | Normal adult range | Unit |" is asked "What is the normal adult range of
 * heart rate, in beats per minute?" → "60–100". A comparison table ("| Feature | Light-dependent |
 * Light-independent |") asks each property of each thing compared, which is what tells them apart (R9).
 * The answer is the cell as written; `names` keeps capitals on words the text treats as names.
 */
export function tableConcepts(table: Table, names: ReadonlySet<string>): Draft[] {
  const { header, rows } = table
  if (header.length < 2 || rows.length === 0 || isDataSample(table)) return []
  const compared = PROPERTY_HEADER.test(header[0]!)
  const unitColumn = header.findIndex((cell) => UNIT_HEADER.test(cell))
  const concepts: Draft[] = []
  for (const row of rows) {
    const label = row[0] ?? ''
    // "Needs light directly?": a yes/no row asks nothing a cell can answer alone.
    if (NO_ANSWER.test(label) || label.endsWith('?')) continue
    const unitCell = unitColumn > 0 && !NO_ANSWER.test(row[unitColumn] ?? '') ? row[unitColumn]! : ''
    const unit = unitCell === '%' ? ', as a percentage' : unitCell === '' ? '' : `, in ${unitCell}`
    for (let column = 1; column < header.length; column++) {
      const cell = row[column] ?? ''
      if (column === unitColumn || NO_ANSWER.test(cell) || cell.split(/\s+/).length > MAX_ANSWER_WORDS || NO_ANSWER.test(header[column]!)) continue
      const [property, thing] = compared ? [label, header[column]!] : [header[column]!, label]
      // The things compared are named with their article: "the light-dependent reactions".
      const named = compared && /^[a-z]/.test(asWritten(thing, names)) ? `the ${asWritten(thing, names)}` : asWritten(thing, names)
      const question = `What ${plural(property) ? 'are' : 'is'} the ${asWritten(property, names)} of ${named}${compared ? '' : unit}?`
      concepts.push({ kind: 'fact', term: cell, statement: `${thing}, ${asWritten(property, names)}: ${cell}`, relation: question, answer: cell })
    }
  }
  return concepts
}

/**
 * "| record_id | month | day |" over "| 96 | 8 | 20 |": rows of a dataset or a query's output are the
 * example's data, not facts (C15). Their columns are identifiers, or their rows are numbered.
 */
function isDataSample({ header, rows }: Table): boolean {
  const identifiers = header.filter((cell) => /^[a-z][a-z0-9_]*$/.test(cell))
  const numbered = rows.filter((row) => /^[\d.,\s-]+$/.test(row[0] ?? '')).length
  return (identifiers.length * 2 >= header.length && header.some((cell) => cell.includes('_'))) || numbered * 2 >= rows.length
}

function plural(word: string): boolean {
  return /[^su]s$/i.test(word.trim().split(/\s+/).pop() ?? '')
}

/** "Heart rate" and "Data Type" in mid-question are "heart rate" and "data type"; "DNA", `code` and names keep their capitals. */
function asWritten(text: string, names: ReadonlySet<string>): string {
  // A header in title case ("Data Type") is capitalised as a heading is, not as names are.
  if (/^[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+$/.test(text)) return text.toLowerCase()
  // "record_id": an identifier is code.
  if (/^[a-z]+_[a-z\d_]+$/.test(text)) return `\`${text}\``
  const first = text.split(/\s+/)[0] ?? ''
  return /^[A-Z][a-z]/.test(first) && !names.has(first) ? text.charAt(0).toLowerCase() + text.slice(1) : text
}
