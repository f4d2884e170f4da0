import type { FastifyInstance, FastifyReply } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { exportFromStore, type DeckExport } from '@flashcards/queue-core'
import { principalOf, type RouteContext } from '../context.js'
import { responses } from '../envelope.js'
import { CourseDecksNotFoundError, DeckNotFoundError } from '../errors.js'
import { CourseParams, DECK_EXAMPLES, DeckParams, ExportQuery } from './deck-schemas.js'
import { DECKS_TAG } from './decks.js'

const FILE_RESPONSE = {
  200: Type.Unsafe<string>({
    description: 'The file, as an attachment: `application/octet-stream` (.apkg, open it with Anki), `text/csv` (Anki text import) or `application/json`.',
    content: {
      'application/octet-stream': { schema: { type: 'string', format: 'binary' }, example: 'a zip holding collection.anki2 (SQLite) and media' },
      'text/csv': {
        schema: { type: 'string' },
        example: '#separator:Comma\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n…',
      },
      'application/json': { schema: { type: 'object' }, example: DECK_EXAMPLES.deck },
    },
  }),
}

function sendFile(reply: FastifyReply, file: DeckExport): FastifyReply {
  return reply
    .header('content-type', file.contentType)
    .header('content-disposition', `attachment; filename="${file.filename}"`)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store')
    .send(file.body)
}

const DESCRIPTION =
  ' `apkg` has a Basic and a Cloze note type, a subdeck `Course::Module` per module, tags (course, module, section) and GUIDs ' +
  'stable per card, so importing a newer export updates the notes instead of duplicating them. Rejected cards are left out; ' +
  "edited cards carry the reviewer's text. `csv` uses Anki's import headers; `json` is the decks as this API returns them."

const ROUTES = [
  {
    url: '/decks/:courseId/export',
    operationId: 'exportCourseDecks',
    summary: "Export a course's decks",
    description: 'Every deck of the course in one file.',
    params: CourseParams,
  },
  {
    url: '/decks/:courseId/:moduleId/export',
    operationId: 'exportDeck',
    summary: "Export a module's deck",
    description: 'The latest revision of the deck, every card.',
    params: DeckParams,
  },
]

/** Downloads of a module's deck or a whole course (one file, a subdeck per module). */
export async function deckExportRoutes(fastify: FastifyInstance, ctx: RouteContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.addHook('preHandler', ctx.decksReady)

  for (const route of ROUTES) {
    app.get(
      route.url,
      {
        schema: {
          operationId: route.operationId,
          tags: [DECKS_TAG],
          summary: route.summary,
          description: route.description + DESCRIPTION,
          params: route.params,
          querystring: ExportQuery,
          response: responses(FILE_RESPONSE, [404, 503]),
        },
      },
      async (request, reply) => {
        const { courseId, moduleId } = request.params as { courseId: string; moduleId?: string }
        const scope = { tenant: principalOf(request).tenant, course_id: courseId, ...(moduleId ? { module_id: moduleId } : {}) }
        const file = await exportFromStore(ctx.decks, scope, request.query.format ?? 'apkg')
        if (!file) throw moduleId ? new DeckNotFoundError(moduleId, courseId) : new CourseDecksNotFoundError(courseId)
        return sendFile(reply, file)
      },
    )
  }
}
