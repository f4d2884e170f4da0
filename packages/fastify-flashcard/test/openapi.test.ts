import t from 'tap'
import { Validator } from '@seriousme/openapi-schema-validator'
import { deletePrefix, uniquePrefix } from '@flashcards/test-support/redis'
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
/** A schema with its top-level `$ref` into `#/components/schemas/` followed. */
function deref(schema: Record<string, any>): Record<string, any> {
  const name = /^#\/components\/schemas\/(.+)$/.exec(schema.$ref ?? '')?.[1]
  return name ? deref(doc.components.schemas[name]) : schema
}
const hasExample = (media: Media | undefined) =>
  media !== undefined && (media.example !== undefined || Object.keys(media.examples ?? {}).length > 0 || (media.schema.examples?.length ?? 0) > 0)
const operations: Array<[string, Operation]> = Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op]),
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
  t.notOk(
    documented.some((name) => name.includes('openapi.json')),
    'the document route itself is hidden',
  )
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
      t.ok(media && deref(media.schema).properties?.error, `${name} ${status}: error envelope`)
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

t.test('every operation has a unique camelCase operationId', async (t) => {
  const ids = operations.map(([, op]) => (op as { operationId?: string }).operationId)
  for (const [index, [name]] of operations.entries()) t.match(ids[index], /^[a-z][A-Za-z]+$/, `${name}: operationId`)
  t.equal(new Set(ids).size, ids.length, 'no two operations share an operationId')
  t.same(Object.fromEntries(operations.map(([name, op]) => [name, (op as { operationId?: string }).operationId]).filter(([name]) => /jobs\/\{jobId\}$/.test(name!))), {
    'GET /api/flashcards/orchestrator/jobs/{jobId}': 'getGenerationJob',
    'DELETE /api/flashcards/orchestrator/jobs/{jobId}': 'cancelGenerationJob',
    'GET /api/flashcards/transcription/jobs/{jobId}': 'getTranscriptionJob',
    'DELETE /api/flashcards/transcription/jobs/{jobId}': 'cancelTranscriptionJob',
  })
})

t.test('envelopes, jobs, cards and decks are named components the operations refer to', async (t) => {
  const named = [
    'Error',
    'ErrorEnvelope',
    'Card',
    'ModuleResult',
    'GenerationJob',
    'GenerationJobEnvelope',
    'GenerationJobPage',
    'GenerationJobPageEnvelope',
    'TranscriptionJob',
    'EnqueuedJobs',
    'EnqueuedJobsEnvelope',
    'Deck',
    'DeckEnvelope',
    'DeckCard',
    'DeckPage',
    'DeckPageEnvelope',
    'DeckSummary',
  ]
  for (const name of named) t.ok(doc.components.schemas[name], `components.schemas.${name}`)
  const refs = res.body.match(/"\$ref":"#\/components\/schemas\/[A-Za-z]+"/g) ?? []
  t.ok(refs.length >= 100, `${refs.length} references to named schemas`)
  const ref = (path: string, method: string, status: string) => doc.paths[`/api/flashcards${path}`][method].responses[status].content['application/json'].schema.$ref
  t.equal(ref('/orchestrator/jobs/{jobId}', 'get', '200'), '#/components/schemas/GenerationJobEnvelope')
  t.equal(ref('/orchestrator/jobs', 'get', '200'), '#/components/schemas/GenerationJobPageEnvelope')
  t.equal(ref('/decks/{courseId}/{moduleId}', 'get', '200'), '#/components/schemas/DeckEnvelope')
  t.equal(ref('/decks/{courseId}', 'get', '200'), '#/components/schemas/DeckPageEnvelope')
  t.equal(ref('/orchestrator/jobs/{jobId}', 'get', '404'), '#/components/schemas/ErrorEnvelope')
  t.same(doc.components.schemas.DeckPage.properties.items.items, { $ref: '#/components/schemas/DeckSummary' })
  for (const schema of Object.values(doc.components.schemas as Record<string, { $id?: string }>)) t.notOk(schema.$id, 'no internal $id left')
})

t.test("a job's result is typed: a generation job's cards are the card schema", async (t) => {
  const { GenerationJob, TranscriptionJob, ModuleResult } = doc.components.schemas
  t.same(GenerationJob.properties.result.anyOf, [{ $ref: '#/components/schemas/ModuleResult' }, { $ref: '#/components/schemas/CourseResult' }, { type: 'null' }])
  t.same(ModuleResult.properties.cards, { type: 'array', items: { $ref: '#/components/schemas/Card' } })
  t.same(doc.components.schemas.Card.required, ['id', 'type', 'front', 'back', 'source'])
  t.same(TranscriptionJob.properties.result.anyOf, [{ $ref: '#/components/schemas/TranscriptionResult' }, { type: 'null' }])
})

t.test('servers, contact and licence', async (t) => {
  t.same(doc.servers, [{ url: '/', description: 'The server that serves this document' }])
  t.match(doc.info.contact, { name: String, url: /^https:\/\// })
  t.same(doc.info.license, { name: 'MIT', identifier: 'MIT' })
})

t.test('`link` is declared as the docs write it (?link=1), and ids show examples of their own kind', async (t) => {
  const logs = doc.paths['/api/flashcards/orchestrator/jobs/{jobId}/logs'].get
  const link = logs.parameters.find((p: { name: string }) => p.name === 'link')
  t.same(link.schema.enum, ['1', 'true', '0', 'false'])
  t.equal(link.example, '1')
  t.match(logs.description, /\?link=1/)
  const examplesOf = (key: string) => [...res.body.matchAll(new RegExp(`"${key}":\\{[^{}]*"examples":\\[("[^"]*")`, 'g'))].map((m) => JSON.parse(m[1]!) as string)
  t.ok(examplesOf('course_id').length > 0, 'course_id examples')
  t.same([...new Set(examplesOf('course_id'))], ['course-hr-2025'], 'every course_id example is a course')
  t.same([...new Set(examplesOf('module_id'))], ['mod-hr-101'])
  for (const param of doc.paths['/api/flashcards/decks/{courseId}/{moduleId}'].get.parameters.filter((p: { in: string }) => p.in === 'path')) {
    t.equal(param.example, param.name === 'courseId' ? 'course-hr-2025' : 'mod-hr-101', `${param.name} example`)
  }
})
