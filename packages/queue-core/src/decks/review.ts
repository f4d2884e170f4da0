import { FlashcardError } from '../errors.js'
import { Card } from '../result-schemas.js'
import { describeErrors } from '../validation.js'
import { DECK_PAGE_DEFAULT, DECK_PAGE_MAX, REVIEW_STATUSES, type CardPatch, type DeckCard, type DeckQuery, type DeckRevisionInput, type ReviewStatus } from './types.js'

/**
 * The rules both deck backends share: what a valid revision, edit and query are, and how a
 * patch changes a card's review. The backends only store what these functions return.
 */

/** The review part of a card, stored apart from the generated card so a revision can carry it over. */
export interface CardReview {
  status: ReviewStatus
  edited?: DeckCard['edited']
  reviewed_at?: string
}

const CLOZE_DELETION = /\{\{c(\d+)::(.+?)\}\}/g
const FRONT_MAX = 1_000
const BACK_MAX = 2_000

function invalid(message: string, details?: Record<string, unknown>): FlashcardError {
  return new FlashcardError('VALIDATION_ERROR', message, details ? { details } : {})
}

/** Checks a completed job's cards and drops repeated ids (first wins), so a revision has each card once. */
export function checkRevisionInput(input: DeckRevisionInput): Card[] {
  if (typeof input.job_id !== 'string' || input.job_id === '') throw invalid('A deck revision needs the job_id that produced it')
  if (!Array.isArray(input.cards)) throw invalid('A deck revision needs a cards array')
  const seen = new Set<string>()
  const cards: Card[] = []
  input.cards.forEach((card, index) => {
    const problems = describeErrors(Card, card, `cards[${index}]`)
    if (problems.length > 0) throw invalid(`Card ${index} of the revision is not a valid card`, { problems })
    if (seen.has(card.id)) return
    seen.add(card.id)
    cards.push(card)
  })
  return cards
}

/** A cloze edit must keep exactly one `{{c1::…}}` deletion, as the generated cards have. */
function checkEditedText(card: Card, front: string, back: string): void {
  if (front === '' || back === '') throw invalid('An edited card needs a non-empty front and back')
  if (front.length > FRONT_MAX) throw invalid(`An edited front is at most ${FRONT_MAX} characters`)
  if (back.length > BACK_MAX) throw invalid(`An edited back is at most ${BACK_MAX} characters`)
  if (card.type !== 'cloze') return
  const deletions = [...front.matchAll(CLOZE_DELETION)]
  if (deletions.length !== 1 || deletions[0]![1] !== '1' || deletions[0]![2]!.trim() === '') {
    throw invalid("A cloze card's front must hold exactly one {{c1::…}} deletion", { front })
  }
}

/** The card's review after a patch. Text makes an edit; `status: 'new'` undoes the review. */
export function applyPatch(card: Card, current: CardReview, patch: CardPatch, now: string): CardReview {
  const hasText = patch.front !== undefined || patch.back !== undefined
  if (!hasText && patch.status === undefined) throw invalid('A card update needs status, front or back')
  if (patch.status !== undefined && !['approved', 'rejected', 'new'].includes(patch.status)) {
    throw invalid('status must be approved, rejected or new', { status: patch.status })
  }
  if (patch.status === 'new') {
    if (hasText) throw invalid('status new undoes the review; it cannot come with an edit')
    return { status: 'new' }
  }
  let edited = current.edited
  if (hasText) {
    const front = (patch.front ?? edited?.front ?? card.front).trim()
    const back = (patch.back ?? edited?.back ?? card.back).trim()
    checkEditedText(card, front, back)
    edited = { front, back, at: now }
  }
  const status: ReviewStatus = patch.status ?? (hasText ? 'edited' : current.status)
  return { status, ...(edited ? { edited } : {}), reviewed_at: now }
}

export function toDeckCard(card: Card, review: CardReview | undefined): DeckCard {
  return { ...card, ...(review ?? { status: 'new' }) }
}

export function emptyCounts(): Record<ReviewStatus, number> {
  return { new: 0, approved: 0, rejected: 0, edited: 0 }
}

function pageNumber(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < min || value > max) throw invalid(`${name} must be an integer from ${min} to ${max}`, { [name]: value })
  return value
}

/** Offset and limit with defaults, checked; the status filter checked too. */
export function checkPage(q: DeckQuery = {}): { offset: number; limit: number; status?: ReviewStatus; revision?: number } {
  if (q.status !== undefined && !REVIEW_STATUSES.includes(q.status)) {
    throw invalid(`status must be one of ${REVIEW_STATUSES.join(', ')}`, { status: q.status })
  }
  return {
    offset: pageNumber('offset', q.offset, 0, 0, Number.MAX_SAFE_INTEGER),
    limit: pageNumber('limit', q.limit, DECK_PAGE_DEFAULT, 1, DECK_PAGE_MAX),
    ...(q.status ? { status: q.status } : {}),
    ...(q.revision !== undefined ? { revision: pageNumber('revision', q.revision, 1, 1, Number.MAX_SAFE_INTEGER) } : {}),
  }
}
