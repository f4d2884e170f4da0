// A host with its own @fastify/swagger and @fastify/swagger-ui: registered before the plugin, its
// document gains the plugin's routes and their bearer scheme (and, with flashcardRefResolver, the
// plugin's schemas under their names); registered after, the plugin keeps a document of its own
// and the host's registration works. No 500 either way.
import t, { type Test } from 'tap'
import Fastify from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { fastifyFlashcard, flashcardRefResolver } from '../src/index.js'
import { deletePrefix, uniquePrefix } from '@flashcards/test-support/redis'
import { TEST_REDIS_URL, TOKENS } from './helpers.js'

interface Doc {
  paths: Record<string, Record<string, { security?: unknown[] }>>
  components?: { securitySchemes?: Record<string, { type: string; scheme?: string }>; schemas?: Record<string, { title?: string }> }
  info: { title: string }
}

async function hostApp(t: Test, order: 'host-first' | 'plugin-first', refResolver?: ReturnType<typeof flashcardRefResolver>) {
  const prefix = uniquePrefix('swagger-host')
  const app = Fastify()
  t.teardown(async () => {
    await app.close()
    await deletePrefix(prefix)
  })
  const hostSwagger = async () => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: 'Host API', version: '1.0.0' },
        components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } } },
      },
      ...(refResolver ? { refResolver } : {}),
    })
    await app.register(swaggerUi, { routePrefix: '/docs' })
  }
  if (order === 'host-first') await hostSwagger()
  await app.register(fastifyFlashcard, { connection: TEST_REDIS_URL, queuePrefix: prefix, auth: { tokens: TOKENS } })
  if (order === 'plugin-first') await hostSwagger()
  // A shared schema of the host's own: the plugin's resolver leaves its name to the host's naming.
  app.addSchema({ $id: 'HostPong', type: 'object', properties: { ok: { type: 'boolean' } } })
  app.get('/host/ping', { schema: { summary: 'host route', response: { 200: { $ref: 'HostPong#' } } } }, async () => ({ ok: true }))
  await app.ready()
  return app
}

t.test('host registers swagger first: the plugin routes join its document with their security scheme', async (t) => {
  const app = await hostApp(t, 'host-first')
  const res = await app.inject({ url: '/docs/json' })
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  const doc = res.json<Doc>()
  t.equal(doc.info.title, 'Host API')
  t.ok(doc.paths['/host/ping'], 'host route documented')
  t.same(doc.paths['/api/flashcards/orchestrator/jobs/{jobId}']?.get?.security, [{ bearerAuth: [] }])
  t.match(doc.components?.securitySchemes, { bearerAuth: { type: 'http', scheme: 'bearer' }, apiKey: { type: 'apiKey' } }, 'both schemes')
  const own = await app.inject({ url: '/api/flashcards/openapi.json' })
  t.equal(own.statusCode, 200, 'the plugin route serves the same (host) document')
  t.equal(own.json<Doc>().info.title, 'Host API')
  t.equal((await app.inject({ url: '/docs/' })).statusCode, 200, 'swagger-ui page')
})

t.test("host registers swagger first with flashcardRefResolver: the plugin's schemas keep their names", async (t) => {
  const app = await hostApp(t, 'host-first', flashcardRefResolver())
  const res = await app.inject({ url: '/docs/json' })
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  const doc = res.json<Doc>()
  const schemas = doc.components?.schemas ?? {}
  for (const name of ['Card', 'GenerationJob', 'ModuleResult', 'Deck', 'Error', 'ErrorEnvelope', 'GenerationJobEnvelope', 'EnqueuedJobsEnvelope']) {
    t.ok(schemas[name], `components.schemas.${name}`)
  }
  const plugins = Object.entries(schemas).filter(([, schema]) => schema.title?.startsWith('flashcard.'))
  t.same(plugins, [], 'no plugin schema left under a def-N name')
  const hostNames = Object.entries(schemas)
    .filter(([, schema]) => schema.title === 'HostPong')
    .map(([name]) => name)
  t.match(hostNames, [/^def-\d+$/], "the host's own schema keeps @fastify/swagger's naming")
  const pluginPaths = Object.entries(doc.paths).filter(([path]) => path.startsWith('/api/flashcards/'))
  const refs = pluginPaths.flatMap(([, ops]) => JSON.stringify(ops).match(/"\$ref":"[^"]+"/g) ?? [])
  t.ok(refs.includes('"$ref":"#/components/schemas/GenerationJobEnvelope"'), 'a route refers to the named envelope')
  t.same(
    refs.filter((ref) => /def-\d+/.test(ref)),
    [],
    'no plugin route refers to a def-N schema',
  )
  const composed = flashcardRefResolver((json) => `Host${String(json.$id)}`)
  t.equal(composed.buildLocalReference({ $id: 'flashcard.Card' }, {}, '', 0), 'Card', 'composed: the plugin names its own schemas')
  t.equal(composed.buildLocalReference({ $id: 'Pong' }, {}, '', 1), 'HostPong', "composed: the host's resolver names the rest")
})

t.test('host registers swagger after the plugin: two documents, each complete', async (t) => {
  const app = await hostApp(t, 'plugin-first')
  const own = await app.inject({ url: '/api/flashcards/openapi.json' })
  t.equal(own.statusCode, 200, own.body.slice(0, 300))
  const pluginDoc = own.json<Doc>()
  t.equal(pluginDoc.info.title, 'Flashcard jobs API')
  t.notOk(pluginDoc.paths['/host/ping'], 'the plugin document holds the plugin routes only')
  t.ok(pluginDoc.paths['/api/flashcards/orchestrator/generate-batch'])
  t.match(pluginDoc.components?.securitySchemes, { bearerAuth: { type: 'http', scheme: 'bearer' } })
  const host = await app.inject({ url: '/docs/json' })
  t.equal(host.statusCode, 200, host.body.slice(0, 300))
  const hostDoc = host.json<Doc>()
  t.equal(hostDoc.info.title, 'Host API')
  t.ok(hostDoc.paths['/host/ping'], 'host route in the host document')
  t.equal((await app.inject({ url: '/docs/' })).statusCode, 200, 'swagger-ui page')
})
