/**
 * Spectral's `spectral:oas` ruleset (.spectral.yaml) on the OpenAPI documents the plugin serves:
 * its own, and a host's that registered @fastify/swagger first (with the plugin's refResolver, as
 * the README says) and gets the plugin's routes and named schemas.
 * Zero errors and zero warnings; a document with a known fault shows the linter does report.
 */
import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Fastify from 'fastify'
import swagger from '@fastify/swagger'
import fastifyFlashcard, { flashcardRefResolver } from '@flashcards/fastify-flashcard'
import { ROOT } from '@flashcards/test-support'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

interface SpectralResult {
  code: string
  message: string
  path: string[]
  severity: number
}

const dir = mkdtempSync(join(tmpdir(), 'flashcard-spectral-'))
const prefix = uniquePrefix('spectral')
t.teardown(async () => {
  rmSync(dir, { recursive: true, force: true })
  await deletePrefix(prefix)
})

/** The document served at /api/flashcards/openapi.json by an app set up by `setUp`. */
async function servedDocument(setUp: (app: ReturnType<typeof Fastify>) => Promise<void>): Promise<Record<string, any>> {
  const app = Fastify()
  try {
    await setUp(app)
    await app.ready()
    const res = await app.inject({ url: '/api/flashcards/openapi.json' })
    if (res.statusCode !== 200) throw new Error(`openapi.json answered ${res.statusCode}: ${res.body.slice(0, 300)}`)
    return res.json()
  } finally {
    await app.close()
  }
}

const plugin = (app: ReturnType<typeof Fastify>) =>
  app.register(fastifyFlashcard, { connection: TEST_REDIS_URL, queuePrefix: prefix, auth: { tokens: { 'spectral-token-1': 'tenant-a' } } })

/** Spectral's findings on `doc` (the CLI's JSON output), with the repository's ruleset. */
async function lint(name: string, doc: unknown): Promise<SpectralResult[]> {
  const file = join(dir, `${name}.json`)
  writeFileSync(file, JSON.stringify(doc, null, 2))
  const spectral = join(ROOT, 'node_modules', '.bin', 'spectral')
  const args = ['lint', '--ruleset', join(ROOT, '.spectral.yaml'), '--format', 'json', '--quiet', file]
  // Exit code 1 when it finds an error: the findings are on stdout either way.
  const { stdout } = await promisify(execFile)(spectral, args, { cwd: ROOT }).catch((err: Error & { stdout?: string; stderr?: string }) => {
    if (!err.stdout?.trim().startsWith('[')) throw new Error(`spectral failed: ${err.stderr ?? err.message}`)
    return { stdout: err.stdout }
  })
  return JSON.parse(stdout) as SpectralResult[]
}

const describe = (results: SpectralResult[]) => results.map((r) => `${r.code} at ${r.path.join('.')}: ${r.message}`)
// Severity 0 is an error, 1 a warning (2 info, 3 hint).
const problems = (results: SpectralResult[]) => describe(results.filter((r) => r.severity <= 1))

const own = await servedDocument(plugin)

t.test("the plugin's own document: no error, no warning", async (t) => {
  const results = await lint('own', own)
  t.same(problems(results), [])
  t.comment(`spectral:oas on the plugin's document: ${results.length} findings`)
})

t.test("a host's document with the plugin's routes: no error, no warning", async (t) => {
  const doc = await servedDocument(async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Host API',
          version: '1.0.0',
          description: 'A host that documents its own routes and the plugin’s.',
          contact: { name: 'Host team', email: 'api@example.com' },
          license: { name: 'MIT', identifier: 'MIT' },
        },
        servers: [{ url: 'https://lms.example.com' }],
      },
      refResolver: flashcardRefResolver(),
    })
    await plugin(app)
  })
  t.equal(doc.info.title, 'Host API')
  t.ok(doc.components.schemas.GenerationJobEnvelope, "the plugin's schemas under their names")
  t.same(problems(await lint('host', doc)), [])
})

t.test('the linter reports what it should: a missing operationId and contact are warnings', async (t) => {
  const broken = structuredClone(own)
  delete broken.paths['/api/flashcards/orchestrator/jobs'].get.operationId
  delete broken.info.contact
  const codes = (await lint('broken', broken)).map((r) => r.code).sort()
  t.same(codes, ['info-contact', 'operation-operationId'])
})
