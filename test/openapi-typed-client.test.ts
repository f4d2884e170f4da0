/**
 * The OpenAPI document as a client generator meets it: `openapi-typescript` turns the document a
 * real server serves into types, tsc (strict, skipLibCheck false) compiles a program written
 * against them with `openapi-fetch` (test/fixtures/typed-client/client.mts), and the program
 * enqueues a module on that server, waits for a real `flashcard-workers orchestrator` to
 * generate it on the real Redis, and reads the job's cards and the deck back. A document whose
 * job result is untyped must fail to compile.
 */
import t from 'tap'
import { execFile } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Fastify from 'fastify'
import fastifyFlashcard from '@flashcards/fastify-flashcard'
import { startOrchestrator, type ManagedProcess } from './support/flashcard-stack.js'
import { ROOT } from '@flashcards/test-support'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

const run = promisify(execFile)
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name)
const TOKEN = 'typed-client-token-1'
const prefix = uniquePrefix('typed-client')
const dir = mkdtempSync(join(tmpdir(), 'flashcard-typed-client-'))
const logDir = mkdtempSync(join(tmpdir(), 'flashcard-typed-client-logs-'))

const app = Fastify()
await app.register(fastifyFlashcard, { connection: TEST_REDIS_URL, queuePrefix: prefix, auth: { tokens: { [TOKEN]: 'tenant-typed' } } })
const origin = await app.listen({ host: '127.0.0.1', port: 0 })
let worker: ManagedProcess | undefined
t.teardown(async () => {
  await worker?.stop()
  await app.close()
  await deletePrefix(prefix)
  rmSync(dir, { recursive: true, force: true })
  rmSync(logDir, { recursive: true, force: true })
})

/**
 * A project holding the program and the client generated from `doc`: the program compiles
 * against the generated types and imports openapi-fetch from the repository's node_modules.
 * `skipLibCheck` false also checks the generated api.d.ts and the libraries' declarations.
 */
async function clientProject(name: string, doc: unknown, skipLibCheck = false): Promise<string> {
  const project = join(dir, name)
  mkdirSync(project)
  symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir')
  writeFileSync(join(project, 'openapi.json'), JSON.stringify(doc))
  writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module', private: true }))
  const compilerOptions = {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2022', 'DOM'],
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck,
    outDir: 'out',
  }
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['client.mts'] }))
  copyFileSync(join(ROOT, 'test', 'fixtures', 'typed-client', 'client.mts'), join(project, 'client.mts'))
  await run(bin('openapi-typescript'), ['openapi.json', '--output', 'api.d.ts'], { cwd: project })
  return project
}

/** tsc on the project: its diagnostics, empty when it compiles. */
async function compile(project: string): Promise<string> {
  return run(bin('tsc'), ['-p', project], { cwd: project }).then(
    () => '',
    (err: Error & { stdout?: string }) => err.stdout || err.message,
  )
}

const served = await fetch(`${origin}/api/flashcards/openapi.json`)
const doc = (await served.json()) as Record<string, any>

t.test('a client generated from the served document compiles and runs against the server', async (t) => {
  t.equal(served.status, 200)
  const project = await clientProject('served', doc)
  t.equal(await compile(project), '', 'tsc: no diagnostics (the @ts-expect-error lines are errors, as they must be)')

  worker = await startOrchestrator({ REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, LLM_PROVIDER: 'offline', LOG_DIR: logDir, PATH: process.env.PATH ?? '' }, 'typed-client')
  const { stdout } = await run(process.execPath, [join(project, 'out', 'client.mjs')], { cwd: project, env: { ...process.env, BASE_URL: origin, TOKEN }, timeout: 90_000 })
  const out = JSON.parse(stdout) as {
    job_id: string
    state: string
    cards: { id: string; type: string; front: string; module: string }[]
    deck: { revision: number; card_ids: string[] }
  }
  t.equal(out.state, 'completed')
  t.ok(out.cards.length > 0, `${out.cards.length} cards read through the typed client`)
  for (const card of out.cards) {
    t.match(card, { id: /\S/, type: /^(basic|cloze)$/, front: /\S/, module: 'mod-pipes' })
  }
  t.same(out.deck, { revision: 1, card_ids: out.cards.map((card) => card.id) }, 'the deck holds the job’s cards')
})

t.test('a document whose job result is untyped does not compile', async (t) => {
  const untyped = structuredClone(doc)
  untyped.components.schemas.GenerationJob.properties.result = { description: 'anything' }
  // Only the program's own errors matter here: the declarations were checked above.
  const diagnostics = await compile(await clientProject('untyped', untyped, true))
  t.match(diagnostics, /client\.mts\(\d+,\d+\): error TS\d+/, diagnostics.split('\n')[0] ?? '')
})
