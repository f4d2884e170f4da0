import t from 'tap'
import { Validator } from '@seriousme/openapi-schema-validator'
import { deletePrefix, uniquePrefix } from '../../../test/support/redis.js'
import { buildApp, MemoryLogStore } from './helpers.js'

const prefix = uniquePrefix('openapi')
const app = await buildApp(prefix, { logStore: new MemoryLogStore(), publicHealth: true })
t.teardown(async () => {
  await app.close()
  await deletePrefix(prefix)
})

const res = await app.inject({ url: '/api/flashcards/openapi.json' })
const doc = res.json()

/** A media type object: @fastify/swagger moves a schema's single example up to `example`. */
interface Media {
  schema: { properties?: Record<string, unknown>; examples?: unknown[] }
  example?: unknown
  examples?: Record<string, unknown>
}
interface Operation {
  tags?: string[]
  summary?: string
  description?: string
  security?: unknown[]
  requestBody?: { content: Record<string, Media> }
  responses: Record<string, { description?: string; content?: Record<string, Media> }>
}
const hasExample = (media: Media | undefined) =>
  media !== undefined && (media.example !== undefined || Object.keys(media.examples ?? {}).length > 0 || (media.schema.examples?.length ?? 0) > 0)
const operations: Array<[string, Operation]> = Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(
  ([path, methods]) => Object.entries(methods).map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op]),
)

t.test('the document is served and valid OpenAPI 3.1 for an independent validator', async (t) => {
  t.equal(res.statusCode, 200)
  t.equal(doc.openapi, '3.1.0')
  const validator = new Validator()
  const result = await validator.validate(structuredClone(doc))
  t.same(result.errors ?? [], [], 'no schema errors')
  t.equal(result.valid, true)
})

t.test("every route of DESIGN.md's table is documented", async (t) => {
  const expected = [
    'POST /api/flashcards/orchestrator/generate-batch',
    'GET /api/flashcards/orchestrator/jobs/{jobId}',
    'GET /api/flashcards/orchestrator/jobs',
    'DELETE /api/flashcards/orchestrator/jobs/{jobId}',
    'POST /api/flashcards/orchestrator/jobs/{jobId}/retry',
    'GET /api/flashcards/orchestrator/jobs/{jobId}/logs',
    'GET /api/flashcards/orchestrator/jobs/{jobId}/events',
    'POST /api/flashcards/transcription/jobs',
    'GET /api/flashcards/transcription/jobs/{jobId}',
    'DELETE /api/flashcards/transcription/jobs/{jobId}',
    'GET /api/flashcards/orchestrator/health',
    'GET /api/flashcards/orchestrator/metrics',
    'GET /api/flashcards/decks/{courseId}',
    'GET /api/flashcards/decks/{courseId}/{moduleId}',
    'PATCH /api/flashcards/decks/{courseId}/{moduleId}/cards/{cardId}',
    'DELETE /api/flashcards/decks/{courseId}/{moduleId}/cards/{cardId}',
    'DELETE /api/flashcards/decks/{courseId}/{moduleId}',
    'GET /api/flashcards/decks/{courseId}/export',
    'GET /api/flashcards/decks/{courseId}/{moduleId}/export',
  ]
  const documented = operations.map(([name]) => name)
  for (const route of expected) t.ok(documented.includes(route), route)
  t.notOk(documented.some((name) => name.includes('openapi.json')), 'the document route itself is hidden')
})

t.test('every operation has tags, summary, description, security, examples and its error statuses', async (t) => {
  t.same(doc.components.securitySchemes.bearerAuth, { type: 'http', scheme: 'bearer', description: doc.components.securitySchemes.bearerAuth.description })
  t.same(
    doc.tags.map((tag: { name: string }) => tag.name),
    ['generation', 'transcription', 'operations', 'decks'],
  )
  for (const [name, op] of operations) {
    t.ok(op.tags?.length, `${name}: tags`)
    t.ok(op.summary, `${name}: summary`)
    t.ok(op.description, `${name}: description`)
    const isPublicHealth = name.endsWith('/orchestrator/health')
    t.same(op.security, isPublicHealth ? [] : [{ bearerAuth: [] }], `${name}: security`)
    const success = Object.entries(op.responses).find(([status]) => status.startsWith('2'))
    t.ok(success, `${name}: a documented success status`)
    t.ok(hasExample(Object.values(success![1].content ?? {})[0]), `${name}: success example`)
    if (!isPublicHealth) t.ok(op.responses['401'], `${name}: 401 documented`)
    const errorStatuses = Object.keys(op.responses).filter((status) => status >= '400' && !(isPublicHealth && status === '503'))
    for (const status of errorStatuses) {
      const media = op.responses[status]!.content?.['application/json']
      t.ok(media?.schema.properties?.error, `${name} ${status}: error envelope`)
      t.ok(hasExample(media), `${name} ${status}: error example`)
    }
    if (op.requestBody) t.ok(hasExample(Object.values(op.requestBody.content)[0]), `${name}: request example`)
  }
})

t.test("the runbook's request body is the documented example", async (t) => {
  const op = doc.paths['/api/flashcards/orchestrator/generate-batch'].post as Operation
  t.same(op.requestBody?.content['application/json']?.example, {
    mode: 'single_module',
    target: { module_id: 'mod-hr-101', course_id: 'course-hr-2025' },
    settings: { target_card_count: 10 },
  })
  const badRequest = op.responses['400']!.content!['application/json']!.example
  t.same(badRequest, { success: false, error: { code: 'VALIDATION_ERROR', message: 'body.settings.target_card_count must be <= 200' } })
})
