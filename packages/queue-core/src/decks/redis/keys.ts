import type { DeckKey } from '../types.js'

/**
 * Where a deck lives in Redis. Every key of one course shares a hash tag on a cluster, so a
 * revision (deck keys + the course's index) is written by one script in one slot, while
 * different courses spread over the cluster. A prefix that already carries a tag keeps it.
 */
export interface DeckKeys {
  /** Base of the deck's own keys: `<base>:meta`, `<base>:jobs`, `<base>:r<n>…`. */
  base: string
  /** Sorted set of the course's module ids (all scores 0, so ordered by id). */
  index: string
}

export function deckKeys(prefix: string, cluster: boolean, key: Pick<DeckKey, 'tenant' | 'course_id'> & { module_id?: string }): DeckKeys {
  // The tenant is free text: encoded so a `:` or `{` in it cannot shape another tenant's key.
  const course = `${encodeURIComponent(key.tenant)}:${key.course_id}`
  const scope = cluster && !prefix.includes('{') ? `{${course}}` : course
  return {
    base: `${prefix}:decks:${scope}:${key.module_id ?? ''}`,
    index: `${prefix}:decks:${scope}`,
  }
}

export function revisionKeys(base: string, revision: number): { info: string; order: string; cards: string; review: string } {
  const rev = `${base}:r${revision}`
  return { info: rev, order: `${rev}:order`, cards: `${rev}:cards`, review: `${rev}:review` }
}
