import { existsSync, readdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ROOT } from './process.js'
import type { ReferenceCard } from './quality.js'

/**
 * Hand-written reference cards (CARDS.md section 5): `bench/reference-cards/<course>/<module_id>.json`,
 * each a JSON array of `{ front, back, source }`, `source` quoting the lesson sentence that states
 * the answer. The lessons themselves stay outside the repository (../shared/corpus).
 */
export const REFERENCES_DIR = join(ROOT, 'bench', 'reference-cards')

const FIELDS = ['front', 'back', 'source'] as const

/** Parses one reference file, naming the file and card of the first thing wrong. */
export function parseReferences(text: string, file: string): ReferenceCard[] {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`, { cause: err })
  }
  if (!Array.isArray(data) || data.length === 0) throw new Error(`${file}: expected a non-empty JSON array of {front, back, source}`)
  return data.map((card: unknown, index) => {
    if (typeof card !== 'object' || card === null || Array.isArray(card)) throw new Error(`${file}: card ${index + 1} is not an object`)
    const record = card as Record<string, unknown>
    const extra = Object.keys(record).filter((key) => !(FIELDS as readonly string[]).includes(key))
    if (extra.length > 0) throw new Error(`${file}: card ${index + 1} has unknown field(s) ${extra.join(', ')}`)
    for (const field of FIELDS) {
      const value = record[field]
      if (typeof value !== 'string' || value.trim() === '') throw new Error(`${file}: card ${index + 1} needs a non-empty string "${field}"`)
    }
    return { front: record.front as string, back: record.back as string, source: record.source as string }
  })
}

/** A module's reference cards, or undefined when it has none. */
export async function referencesOf(course: string, module: string): Promise<ReferenceCard[] | undefined> {
  const file = join(REFERENCES_DIR, course, `${module}.json`)
  return existsSync(file) ? parseReferences(await readFile(file, 'utf8'), file) : undefined
}

/** Every reference file as course, module and path. */
export function referenceFiles(): { course: string; module: string; file: string }[] {
  if (!existsSync(REFERENCES_DIR)) return []
  return readdirSync(REFERENCES_DIR)
    .sort()
    .flatMap((course) =>
      readdirSync(join(REFERENCES_DIR, course))
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => ({ course, module: name.slice(0, -'.json'.length), file: join(REFERENCES_DIR, course, name) })),
    )
}
