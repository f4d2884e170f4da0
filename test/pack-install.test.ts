/*
 * The packages as a user meets them: the `pnpm -r pack` tarballs installed into a new host app
 * with npm and with pnpm, on the oldest fastify the plugin's peer range allows. The plugin
 * README's TypeScript host is type-checked (strict, library types included) and its TypeScript and
 * CommonJS hosts run as written; the installed `flashcard-workers` bin completes a job each of
 * them enqueued, on the real Redis under a queue prefix of this run.
 */
import t, { type Test } from 'tap'
import { readFileSync, realpathSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { packAll, run } from './support/pack.js'
import { HOST_TSCONFIG, installHost, OLDEST_FASTIFY, type HostApp, type PackageManager } from './support/host-app.js'
import { freePort, startProcess, tailOf, waitFor, type ManagedProcess } from '@flashcards/test-support'
import { waitForHttp, waitForWorkerStarted } from './support/processes.js'
import { taggedBlock } from './support/readme-blocks.js'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

// Two installs and two full type-checks of fastify, BullMQ and ioredis on a shared 2-core machine.
t.setTimeout(900_000)

const packed = await packAll()
t.teardown(() => rmSync(packed.dir, { recursive: true, force: true }))

/** The token both README hosts accept. */
const TOKEN = 'a-long-random-token'
/** tsx runs the host's TypeScript as written (tsc, below, is what checks its types). */
const TSX = import.meta.resolve('tsx/esm')

/**
 * Type errors the host must get: were the plugin's types lost (`any`) or its options unchecked, an
 * expected error would be missing and tsc would fail on the unused directive.
 */
const TYPE_PROBE = `import Fastify from 'fastify'
import fastifyFlashcard from '@flashcards/fastify-flashcard'
import type { FlashcardQueues } from '@flashcards/queue-core'

const app = Fastify()
// @ts-expect-error connection and auth are required options
await app.register(fastifyFlashcard, { queuePrefix: 'x' })
await app.register(fastifyFlashcard, { connection: 'redis://127.0.0.1:6379', auth: { tokens: { t: 'tenant' } } })
const queues: FlashcardQueues = app.flashcards.queues
// @ts-expect-error the decorator is typed: it has no such member
app.flashcards.missing
// @ts-expect-error enqueueGeneration checks its body
await queues.enqueueGeneration({ mode: 'everything', target: {} }, { tenant: 't', principal: 'p' })
`

function writeHostFiles(host: HostApp): void {
  const readme = host.path('node_modules/@flashcards/fastify-flashcard/README.md')
  host.write('server.ts', taggedBlock(readme, 'host-esm').code)
  host.write('server.cjs', taggedBlock(readme, 'host-cjs').code)
  host.write('typed.ts', TYPE_PROBE)
  host.write('tsconfig.json', JSON.stringify(HOST_TSCONFIG, null, 2))
}

/** One fastify in the host, the one it asked for, and the plugin resolves that same copy. */
function checkOneFastify(t: Test, host: HostApp): void {
  const hostFastify = realpathSync(createRequire(host.path('package.json')).resolve('fastify/package.json'))
  const pluginDir = realpathSync(host.path('node_modules/@flashcards/fastify-flashcard/package.json'))
  const pluginFastify = realpathSync(createRequire(pluginDir).resolve('fastify/package.json'))
  t.equal((JSON.parse(readFileSync(hostFastify, 'utf8')) as { version: string }).version, OLDEST_FASTIFY, `the host runs fastify ${OLDEST_FASTIFY}`)
  t.equal(pluginFastify, hostFastify, "the plugin resolves the host's fastify, not a copy of its own")
}

async function typeCheck(t: Test, host: HostApp): Promise<void> {
  const tsc = host.path('node_modules/typescript/bin/tsc')
  const started = Date.now()
  const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: host.dir }).catch((err: { stdout?: string; code?: number }) => err)
  const output = 'stdout' in result ? String(result.stdout) : ''
  t.notOk('code' in result && result.code, `tsc --noEmit (strict, skipLibCheck false) passes:\n${output}`)
  t.comment(`${host.manager}: tsc over server.ts and typed.ts took ${Date.now() - started} ms`)
}

interface Started {
  base: string
  proc: ManagedProcess
}

async function startHost(host: HostApp, file: 'server.ts' | 'server.cjs', env: Record<string, string | undefined>): Promise<Started> {
  const port = await freePort()
  const args = file.endsWith('.ts') ? ['--import', TSX, file] : [file]
  const proc = startProcess(`${host.manager} host ${file}`, process.execPath, args, { ...env, PORT: String(port) }, host.dir)
  const base = `http://127.0.0.1:${port}/api/flashcards`
  await waitForHttp(proc, `${base}/orchestrator/health`)
  return { base, proc }
}

async function api(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  return { status: res.status, body: await res.json() }
}

/** Enqueues one module through a host's API and waits until the worker completed it with cards. */
async function generateThrough(t: Test, server: Started, worker: ManagedProcess, moduleId: string): Promise<void> {
  const created = await api(server.base, 'POST', '/orchestrator/generate-batch', {
    mode: 'single_module',
    target: { course_id: 'course-pack', module_id: moduleId },
    settings: { target_card_count: 2 },
    content: { format: 'markdown', text: '# Access\n\n## Badges\n\nVisitors wear a red badge and are escorted at all times inside the building.' },
  })
  t.equal(created.status, 202, `${server.proc.name} enqueues: ${JSON.stringify(created.body)}`)
  const jobId = created.body.data.jobs[0].job_id as string
  const done = await waitFor(
    `job ${jobId} of ${server.proc.name} to complete`,
    async () => {
      if (!worker.alive()) throw new Error(`the worker exited:\n${tailOf(worker)}`)
      const { body } = await api(server.base, 'GET', `/orchestrator/jobs/${jobId}`)
      if (body.data?.state === 'failed') throw new Error(`job failed: ${body.data.error}`)
      return body.data?.state === 'completed' && body.data
    },
    60_000,
    100,
  )
  const cards = done.result.cards as { front: string; back: string }[]
  t.ok(cards.length > 0 && typeof cards[0]!.front === 'string' && cards[0]!.front.length > 0, `${server.proc.name}: the installed worker made ${cards.length} card(s)`)
}

async function runHostsAndWorker(t: Test, host: HostApp): Promise<void> {
  const prefix = uniquePrefix(`pack-${host.manager}`)
  // The default provider (offline): no key of this machine's environment reaches the children.
  const env = {
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    HOST: '127.0.0.1',
    LOG_DIR: host.path('logs'),
    ...Object.fromEntries(['LLM_PROVIDER', 'GEMINI_API_KEY', 'GOOGLE_AI_API_KEY', 'OPENAI_BASE_URL', 'DECK_STORE'].map((name) => [name, undefined])),
  }
  const running: ManagedProcess[] = []
  t.teardown(async () => {
    await Promise.all(running.map((proc) => proc.stop()))
    await deletePrefix(prefix)
  })
  const worker = startProcess(`${host.manager} flashcard-workers`, host.path('node_modules/.bin/flashcard-workers'), ['orchestrator'], env, host.dir)
  running.push(worker)
  const esm = await startHost(host, 'server.ts', env)
  running.push(esm.proc)
  const cjs = await startHost(host, 'server.cjs', env)
  running.push(cjs.proc)
  await waitForWorkerStarted(worker)

  await generateThrough(t, esm, worker, 'mod-esm')
  await generateThrough(t, cjs, worker, 'mod-cjs')
  const hostRoute = await fetch(`${esm.base.replace('/api/flashcards', '')}/my/course/course-pack/refresh`)
  t.equal(hostRoute.status, 401, "the README host route uses the plugin's auth")
}

for (const manager of ['npm', 'pnpm'] as const satisfies PackageManager[]) {
  t.test(`${manager}: a new host on fastify ${OLDEST_FASTIFY} with the packed tarballs`, async (t) => {
    const started = Date.now()
    const host = await installHost(manager, packed)
    t.teardown(() => host.remove())
    t.comment(`${manager} install took ${Date.now() - started} ms`)
    writeHostFiles(host)

    t.test("one fastify, the host's", async (t) => checkOneFastify(t, host))
    t.test('the README TypeScript host and a type probe pass tsc', async (t) => typeCheck(t, host))
    t.test('the installed bin answers --version', async (t) => {
      const { version } = JSON.parse(readFileSync(join(host.dir, 'node_modules/@flashcards/workers/package.json'), 'utf8')) as { version: string }
      const { stdout } = await run(host.path('node_modules/.bin/flashcard-workers'), ['--version'], { cwd: host.dir })
      t.equal(stdout.trim(), version)
    })
    t.test('the README hosts (ESM TypeScript, CommonJS) serve jobs the installed bin completes', async (t) => runHostsAndWorker(t, host))
  })
}
