import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Static } from 'typebox'
import { DECK_PAGE_DEFAULT, type DeckKey, type DeckStore, type DeckSummary } from '@flashcards/queue-core'
import { principalOf, type RouteContext, type TypedApp } from '../context.js'
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
import { ok, okResponses, operationTable, type OperationHead } from './operation.js'

export const DECKS_TAG = 'decks'
const OPERATIONS = operationTable(DECKS_TAG, {
  listDecks: {
    summary: "List a course's decks",
    description: 'One entry per module with cards, with review counts and progress; paginate with `offset` = `next_offset`.',
  },
  getDeck: {
    summary: "Read a module's deck",
    description: 'The latest revision, or `?revision=`; cards filtered by `?status=` and paginated. 404 when the deck or revision does not exist.',
  },
  updateDeckCard: {
    summary: 'Edit, approve or reject a card',
    description:
      'Acts on the latest revision. `front`/`back` record an edit (status `edited`, the generated text kept); `status` approves, ' +
      'rejects (left out of exports) or resets it to `new`. A cloze edit must keep a `{{c1::…}}` deletion.',
  },
  deleteDeckCard: { summary: 'Delete a card', description: 'Removes the card from the latest revision (past revisions keep it).' },
  deleteDeck: { summary: 'Delete a deck', description: 'Removes the deck of the module with every revision. The next generation job of the module starts a new one.' },
})

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
  const schema = { ...OPERATIONS.listDecks, params: CourseParams, querystring: DeckListQuery, response: okResponses(DeckPageEnvelope, DECK_EXAMPLES.page, [503]) }
  app.get('/decks/:courseId', { schema }, async (request) => {
    const { offset = 0, limit = DECK_PAGE_DEFAULT } = request.query
    const page = await store.listDecks(principalOf(request).tenant, request.params.courseId, { offset, limit })
    const items = page.items.map(withProgress)
    return ok({ items, total: page.total, next_offset: nextOffset(offset, items.length, page.total) })
  })
}

function getDeckRoute(app: TypedApp, store: DeckStore): void {
  const schema = { ...OPERATIONS.getDeck, params: DeckParams, querystring: DeckReadQuery, response: okResponses(DeckEnvelope, DECK_EXAMPLES.deck, [404, 503]) }
  app.get('/decks/:courseId/:moduleId', { schema }, async (request) => {
    const { offset = 0, limit = DECK_PAGE_DEFAULT, revision, status } = request.query
    const { courseId, moduleId } = request.params
    const deck = await store.getDeck(deckKeyOf(request, request.params), { offset, limit, ...(revision ? { revision } : {}), ...(status ? { status } : {}) })
    if (!deck) throw revision === undefined ? new DeckNotFoundError(moduleId, courseId) : new RevisionNotFoundError(revision, moduleId)
    return ok({ ...deck, next_offset: nextOffset(offset, deck.cards.length, deck.total) })
  })
}

function updateCardRoute(app: TypedApp, store: DeckStore): void {
  const schema = { ...OPERATIONS.updateDeckCard, params: CardParams, body: CardPatchBody, response: okResponses(DeckCardEnvelope, DECK_EXAMPLES.card, [404, 503]) }
  app.patch('/decks/:courseId/:moduleId/cards/:cardId', { schema }, async (request) => {
    const card = await store.updateCard(deckKeyOf(request, request.params), request.params.cardId, request.body)
    if (!card) throw notFound(request.params)
    return ok(card)
  })
}

/** The 404 of a deck path: its card when it names one, else its deck. */
function notFound(params: Static<typeof DeckParams> & { cardId?: string }): Error {
  return params.cardId === undefined ? new DeckNotFoundError(params.moduleId, params.courseId) : new CardNotFoundError(params.cardId, params.moduleId, params.courseId)
}

/** A DELETE of the deck store: `{ deleted: true }`, or a 404 when there was nothing to delete. */
function deleteRoute<P extends typeof DeckParams | typeof CardParams>(
  app: TypedApp,
  url: string,
  head: OperationHead,
  params: P,
  remove: (request: FastifyRequest, params: Static<P>) => Promise<boolean>,
): void {
  const schema = { ...head, params, response: okResponses(DeletedEnvelope, { deleted: true }, [404, 503]) }
  app.delete(url, { schema }, async (request) => {
    const given = request.params as Static<P>
    if (!(await remove(request, given))) throw notFound(given)
    return ok({ deleted: true as const })
  })
}

function deleteCardRoute(app: TypedApp, store: DeckStore): void {
  deleteRoute(app, '/decks/:courseId/:moduleId/cards/:cardId', OPERATIONS.deleteDeckCard, CardParams, (request, params) =>
    store.deleteCard(deckKeyOf(request, params), params.cardId),
  )
}

function deleteDeckRoute(app: TypedApp, store: DeckStore): void {
  deleteRoute(app, '/decks/:courseId/:moduleId', OPERATIONS.deleteDeck, DeckParams, (request, params) => store.deleteDeck(deckKeyOf(request, params)))
}

/** Decks: a course's list with review progress, a module's deck, and card review. */
export async function deckRoutes(fastify: FastifyInstance, ctx: RouteContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.addHook('preHandler', ctx.decksReady)
  for (const route of [listDecksRoute, getDeckRoute, updateCardRoute, deleteCardRoute, deleteDeckRoute]) route(app, ctx.decks)
}
