// Types only, resolved through the workspace root's node_modules: declaring queue-core here would
// make a dependency cycle with queue-core's own tests, which use this package.
import type { Card, DeckKey, DeckStore } from '@flashcards/queue-core'

/** A card front that must show as text wherever it is rendered. */
export const XSS_FRONT = '<img src=x onerror="document.title=\'pwned\'"> Which tag embeds an image?'

/** Cards of a module as a generation job hands them to the deck store: basic and cloze, one hostile. */
export function sampleCards(module_id: string, count = 4): Card[] {
  const source = (n: number) => ({ module_id, chunk_id: `${module_id}#${n}`, heading: n % 2 ? 'Pipes and Filters' : 'Counting lines' })
  const cards: Card[] = [
    { id: `${module_id}-xss`, type: 'basic', front: XSS_FRONT, back: 'img', source: source(1) },
    { id: `${module_id}-pipe`, type: 'cloze', front: 'In the shell, the vertical bar | between two commands is called a {{c1::pipe}}.', back: 'pipe', source: source(1) },
    { id: `${module_id}-wc`, type: 'basic', front: 'Which command counts the lines, words and characters in files?', back: 'wc', source: source(2) },
    { id: `${module_id}-sort`, type: 'cloze', front: 'The shell command {{c1::sort}} orders the lines of its input.', back: 'sort', source: source(2) },
  ]
  for (let n = cards.length; n < count; n++) {
    cards.push({ id: `${module_id}-extra-${n}`, type: 'basic', front: `Extra question ${n}?`, back: `Answer ${n}`, source: source(n) })
  }
  return cards.slice(0, count)
}

/** Writes a revision of sample cards, as the orchestrator does when a job completes. */
export async function seedDeck(store: DeckStore, key: DeckKey, options: { job_id?: string; count?: number; module_title?: string } = {}) {
  return store.writeRevision(key, {
    job_id: options.job_id ?? `job-${key.module_id}-1`,
    cards: sampleCards(key.module_id, options.count),
    course_title: 'Unix Shell',
    ...(options.module_title ? { module_title: options.module_title } : {}),
  })
}

/**
 * The cards of a large revision, the same in every process that builds them: `count` cards of
 * about 700 bytes of JSON each, ids `<label>-0000`…, alternating basic and cloze.
 */
export function largeRevisionCards(module_id: string, label: string, count: number): Card[] {
  const filler = 'Every energy source is isolated and locked before the machine is serviced, and the lock stays on until the work ends. '
  return Array.from({ length: count }, (_, n) => {
    const id = `${label}-${String(n).padStart(4, '0')}`
    const source = { module_id, chunk_id: `${module_id}#${n % 40}`, heading: `Section ${n % 40}`, char_start: n * 100, char_end: n * 100 + 99 }
    return n % 2 === 0
      ? { id, type: 'basic' as const, front: `Question ${id}: ${filler.repeat(3)}What follows?`, back: `Answer ${id}: ${filler}`, source, tags: [label, module_id] }
      : { id, type: 'cloze' as const, front: `Fact ${id}: the {{c1::lockout}} keeps the machine off. ${filler.repeat(3)}`, back: 'lockout', source, tags: [label, module_id] }
  })
}
