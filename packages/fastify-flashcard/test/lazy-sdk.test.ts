// A host that only enqueues must not load the AWS SDK or an LLM SDK: after requiring the built
// plugin (CommonJS, where Node's module cache is inspectable) and registering it, neither
// @aws-sdk/client-s3 nor @google/genai is in require.cache. With a log store on S3, the SDK loads
// on the first use of that store, not before. Likewise a host on the default deck store (Redis)
// never loads the `postgres` driver, whichever build (CommonJS or ES module) it uses.
import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

const run = promisify(execFile)
const PACKAGE = fileURLToPath(new URL('..', import.meta.url))

const script = (prefix: string) => `
const Fastify = require('fastify')
const { fastifyFlashcard } = require('@flashcards/fastify-flashcard')
const { createJobLogStore } = require('@flashcards/queue-core')
const loaded = (name) => Object.keys(require.cache).some((file) => file.includes('/node_modules/' + name + '/'))
;(async () => {
  const app = Fastify()
  const logStore = createJobLogStore({ logs: { store: 's3', dir: '' }, s3: { bucket: 'b', region: 'us-east-1', forcePathStyle: true, endpoint: 'http://127.0.0.1:9' } })
  await app.register(fastifyFlashcard, { connection: ${JSON.stringify(TEST_REDIS_URL)}, queuePrefix: ${JSON.stringify(prefix)}, auth: { tokens: { 'token-0123456789': 'a' } }, logStore })
  await app.ready()
  const afterRegister = { s3: loaded('@aws-sdk/client-s3'), genai: loaded('@google/genai'), modules: Object.keys(require.cache).length }
  await logStore.read('job-1').catch(() => undefined)
  const afterS3Use = { s3: loaded('@aws-sdk/client-s3') }
  await app.close()
  process.stdout.write(JSON.stringify({ afterRegister, afterS3Use }))
})()
`

t.test('registering the plugin loads no AWS or Google SDK; the S3 log store loads it on first use', async (t) => {
  const prefix = uniquePrefix('lazy-sdk')
  t.teardown(() => deletePrefix(prefix))
  const { stdout } = await run(process.execPath, ['-e', script(prefix)], { cwd: PACKAGE })
  const report = JSON.parse(stdout) as { afterRegister: { s3: boolean; genai: boolean; modules: number }; afterS3Use: { s3: boolean } }
  t.comment(`modules in require.cache after registering: ${report.afterRegister.modules}`)
  t.equal(report.afterRegister.s3, false, '@aws-sdk/client-s3 not loaded by the plugin')
  t.equal(report.afterRegister.genai, false, '@google/genai not loaded by the plugin')
  t.equal(report.afterS3Use.s3, true, 'the S3 store loads the SDK when it is used')
})

// The postgres driver is reached only through import() (also from the CommonJS build), which
// never shows in require.cache: a loader hook appends every URL the ES module loader resolves
// to a file, before that import finishes, and the host checks both.
const RECORD_RESOLVED = (file: string) =>
  'data:text/javascript,' +
  encodeURIComponent(`
import { appendFileSync } from 'node:fs'
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context)
  appendFileSync(${JSON.stringify(file)}, resolved.url + '\\n')
  return resolved
}`)

const deckHostScript = (prefix: string, format: 'cjs' | 'esm', resolvedLog: string) => `
const { register } = require('node:module')
const { existsSync, readFileSync } = require('node:fs')
register(${JSON.stringify(RECORD_RESOLVED(resolvedLog))})
const inModule = (file, name) => file.includes('/node_modules/' + name + '/')
const loaded = (name) =>
  Object.keys(require.cache).some((file) => inModule(file, name)) ||
  (existsSync(${JSON.stringify(resolvedLog)}) && readFileSync(${JSON.stringify(resolvedLog)}, 'utf8').split('\\n').some((url) => inModule(url, name)))
const load = ${format === 'cjs' ? '(name) => require(name)' : '(name) => import(name)'}
;(async () => {
  const Fastify = require('fastify')
  const { fastifyFlashcard } = await load('@flashcards/fastify-flashcard')
  const { createDeckStore } = await load('@flashcards/queue-core')
  const app = Fastify()
  // No decks option: the default store, DECK_STORE=redis.
  await app.register(fastifyFlashcard, { connection: ${JSON.stringify(TEST_REDIS_URL)}, queuePrefix: ${JSON.stringify(prefix)}, auth: { tokens: { 'token-0123456789': 'a' } } })
  await app.ready()
  await app.flashcards.queues.ready()
  const key = { tenant: 'a', course_id: 'c', module_id: 'm' }
  await app.flashcards.decks.writeRevision(key, { job_id: 'job-1', cards: [{ id: 'k1', type: 'basic', front: 'Which store holds this deck?', back: 'Redis', source: { module_id: 'm', chunk_id: 'm#1' } }] })
  const call = async (method, url, payload) =>
    (await app.inject({ method, url: '/api/flashcards' + url, headers: { authorization: 'Bearer token-0123456789' }, payload })).statusCode
  const statuses = [
    await call('GET', '/decks/c'),
    await call('GET', '/decks/c/m'),
    await call('PATCH', '/decks/c/m/cards/k1', { status: 'approved' }),
    await call('GET', '/decks/c/m/export?format=apkg'),
    await call('DELETE', '/decks/c/m'),
  ]
  const resolved = existsSync(${JSON.stringify(resolvedLog)}) ? readFileSync(${JSON.stringify(resolvedLog)}, 'utf8') : ''
  const build = Object.keys(require.cache).some((file) => file.endsWith('/fastify-flashcard/dist/index.cjs')) ? 'cjs'
    : resolved.includes('/fastify-flashcard/dist/index.js') ? 'esm' : 'unknown'
  const afterDeckRoutes = { postgres: loaded('postgres'), statuses, build }
  await app.close()
  // DECK_STORE=postgres loads the driver (nothing answers on port 9, so it only tries).
  const refused = await createDeckStore({ decks: { store: 'postgres', databaseUrl: 'postgres://postgres@127.0.0.1:9/none' }, queue: { prefix: 'x' }, redis: { url: '' } }).then(
    () => 'opened',
    (err) => err.code,
  )
  process.stdout.write(JSON.stringify({ afterDeckRoutes, afterPostgresStore: { postgres: loaded('postgres'), refused } }))
})()
`

for (const format of ['cjs', 'esm'] as const) {
  t.test(`a Redis-only host (${format} build) uses the deck routes without loading the postgres driver`, async (t) => {
    const prefix = uniquePrefix('lazy-postgres')
    const dir = mkdtempSync(join(tmpdir(), 'flashcard-lazy-postgres-'))
    t.teardown(async () => {
      rmSync(dir, { recursive: true, force: true })
      await deletePrefix(prefix)
    })
    const { stdout } = await run(process.execPath, ['-e', deckHostScript(prefix, format, join(dir, 'resolved.txt'))], { cwd: PACKAGE })
    const report = JSON.parse(stdout) as {
      afterDeckRoutes: { postgres: boolean; statuses: number[]; build: string }
      afterPostgresStore: { postgres: boolean; refused: string }
    }
    t.equal(report.afterDeckRoutes.build, format, `the host ran the plugin's ${format} build`)
    t.same(report.afterDeckRoutes.statuses, [200, 200, 200, 200, 200], 'list, read, approve, export apkg, delete')
    t.equal(report.afterDeckRoutes.postgres, false, 'postgres not loaded')
    t.equal(report.afterPostgresStore.refused, 'ECONNREFUSED', 'the postgres store tried to connect')
    t.equal(report.afterPostgresStore.postgres, true, 'and loaded the driver to do so: the check sees it')
  })
}
