import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { DECK_PAGE_DEFAULT, type DeckKey, type DeckStore, type DeckSummary } from '@flashcards/queue-core'
import { principalOf, type RouteContext, type TypedApp } from '../context.js'
import { dataEnvelope, responses } from '../envelope.js'
import { CardNotFoundError, DeckNotFoundError, RevisionNotFoundError } from '../errors.js'
import {
  CardParams,
  CardPatchBody,
  CourseParams,
  DECK_EXAMPLES,
  DeckCardEnvelope,
  DeckEnvelope,
  DeckListQuery,
  DeckPageEnvelope,
  DeckParams,
  DeckReadQuery,
  DeletedEnvelope,
} from './deck-schemas.js'

export const DECKS_TAG = 'decks'

/** The deck key of a request: the caller's tenant, so another tenant's deck is simply not there. */
export function deckKeyOf(request: FastifyRequest, params: { courseId: string; moduleId: string }): DeckKey {
  return { tenant: principalOf(request).tenant, course_id: params.courseId, module_id: params.moduleId }
}

function nextOffset(offset: number, shown: number, total: number): number | null {
  return offset + shown < total ? offset + shown : null
}

function withProgress(summary: DeckSummary) {
  const reviewed = summary.card_count - summary.counts.new
  return { ...summary, reviewed, progress: summary.card_count === 0 ? 1 : Math.round((reviewed / summary.card_count) * 10_000) / 10_000 }
}

function listDecksRoute(app: TypedApp, store: DeckStore): void {
  const schema = {
    operationId: 'listDecks',
    tags: [DECKS_TAG],
    summary: "List a course's decks",
    description: 'One entry per module with cards, with review counts and progress; paginate with `offset` = `next_offset`.',
    params: CourseParams,
    querystring: DeckListQuery,
    response: responses({ 200: dataEnvelope(DeckPageEnvelope, DECK_EXAMPLES.page) }, [503]),
  }
  app.get('/decks/:courseId', { schema }, async (request) => {
    const { offset = 0, limit = DECK_PAGE_DEFAULT } = request.query
    const page = await store.listDecks(principalOf(request).tenant, request.params.courseId, { offset, limit })
    const items = page.items.map(withProgress)
    return { success: true as const, data: { items, total: page.total, next_offset: nextOffset(offset, items.length, page.total) } }
  })
}

function getDeckRoute(app: TypedApp, store: DeckStore): void {
  const schema = {
    operationId: 'getDeck',
    tags: [DECKS_TAG],
    summary: "Read a module's deck",
    description: 'The latest revision, or `?revision=`; cards filtered by `?status=` and paginated. 404 when the deck or revision does not exist.',
    params: DeckParams,
    querystring: DeckReadQuery,
    response: responses({ 200: dataEnvelope(DeckEnvelope, DECK_EXAMPLES.deck) }, [404, 503]),
  }
  app.get('/decks/:courseId/:moduleId', { schema }, async (request) => {
    const { offset = 0, limit = DECK_PAGE_DEFAULT, revision, status } = request.query
    const { courseId, moduleId } = request.params
    const deck = await store.getDeck(deckKeyOf(request, request.params), { offset, limit, ...(revision ? { revision } : {}), ...(status ? { status } : {}) })
    if (!deck) throw revision === undefined ? new DeckNotFoundError(moduleId, courseId) : new RevisionNotFoundError(revision, moduleId)
    return { success: true as const, data: { ...deck, next_offset: nextOffset(offset, deck.cards.length, deck.total) } }
  })
}

function updateCardRoute(app: TypedApp, store: DeckStore): void {
  const schema = {
    operationId: 'updateDeckCard',
    tags: [DECKS_TAG],
    summary: 'Edit, approve or reject a card',
    description:
      'Acts on the latest revision. `front`/`back` record an edit (status `edited`, the generated text kept); `status` approves, ' +
      'rejects (left out of exports) or resets it to `new`. A cloze edit must keep a `{{c1::…}}` deletion.',
    params: CardParams,
    body: CardPatchBody,
    response: responses({ 200: dataEnvelope(DeckCardEnvelope, DECK_EXAMPLES.card) }, [404, 503]),
  }
  app.patch('/decks/:courseId/:moduleId/cards/:cardId', { schema }, async (request) => {
    const { courseId, moduleId, cardId } = request.params
    const card = await store.updateCard(deckKeyOf(request, request.params), cardId, request.body)
    if (!card) throw new CardNotFoundError(cardId, moduleId, courseId)
    return { success: true as const, data: card }
  })
}

function deleteCardRoute(app: TypedApp, store: DeckStore): void {
  const schema = {
    operationId: 'deleteDeckCard',
    tags: [DECKS_TAG],
    summary: 'Delete a card',
    description: 'Removes the card from the latest revision (past revisions keep it).',
    params: CardParams,
    response: responses({ 200: dataEnvelope(DeletedEnvelope, { deleted: true }) }, [404, 503]),
  }
  app.delete('/decks/:courseId/:moduleId/cards/:cardId', { schema }, async (request) => {
    const { courseId, moduleId, cardId } = request.params
    if (!(await store.deleteCard(deckKeyOf(request, request.params), cardId))) throw new CardNotFoundError(cardId, moduleId, courseId)
    return { success: true as const, data: { deleted: true as const } }
  })
}

function deleteDeckRoute(app: TypedApp, store: DeckStore): void {
  const schema = {
    operationId: 'deleteDeck',
    tags: [DECKS_TAG],
    summary: 'Delete a deck',
    description: 'Removes the deck of the module with every revision. The next generation job of the module starts a new one.',
    params: DeckParams,
    response: responses({ 200: dataEnvelope(DeletedEnvelope, { deleted: true }) }, [404, 503]),
  }
  app.delete('/decks/:courseId/:moduleId', { schema }, async (request) => {
    const { courseId, moduleId } = request.params
    if (!(await store.deleteDeck(deckKeyOf(request, request.params)))) throw new DeckNotFoundError(moduleId, courseId)
    return { success: true as const, data: { deleted: true as const } }
  })
}

/** Decks: a course's list with review progress, a module's deck, and card review. */
export async function deckRoutes(fastify: FastifyInstance, ctx: RouteContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.addHook('preHandler', ctx.decksReady)
  for (const route of [listDecksRoute, getDeckRoute, updateCardRoute, deleteCardRoute, deleteDeckRoute]) route(app, ctx.decks)
}
