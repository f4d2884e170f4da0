/*
 * Every TypeScript/JavaScript block of the package READMEs does what the README says: each one is
 * type-checked (strict, as a user's project would) against the built packages and run as written
 * on the real Redis under a queue prefix of this run, or is run by another test as written
 * (`host-esm`, `host-cjs`: the packed-install test), or says it is not runnable (`not-runnable`).
 * A block tagged `service` runs until stopped: it must start its worker, then exit 0 on SIGTERM.
 */
import t from 'tap'
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { createDeckStore, loadConfig } from '@flashcards/queue-core'
import { seedDeck } from '@flashcards/test-support/decks'
import { PACKAGES, run } from './support/pack.js'
import { ROOT, startProcess, tailOf, type ManagedProcess } from '@flashcards/test-support'
import { waitForWorkerStarted } from './support/processes.js'
import { readmeBlocks, type CodeBlock } from './support/readme-blocks.js'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

const CODE = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs', 'cjs'])
/** Tags of blocks another test runs exactly as written, and that test. */
const RUN_ELSEWHERE: Record<string, string> = { 'host-esm': 'test/pack-install.test.ts', 'host-cjs': 'test/pack-install.test.ts' }

const blocks = PACKAGES.flatMap((name) => readmeBlocks(join(ROOT, 'packages', name, 'README.md'))).filter((block) => CODE.has(block.lang))
const elsewhere = (block: CodeBlock) => block.tags.find((tag) => tag in RUN_ELSEWHERE)
const runnable = blocks.filter((block) => !block.tags.includes('not-runnable') && !elsewhere(block))
const label = (block: CodeBlock) => relative(ROOT, block.where)

t.test('every code block is run here, run by another test, or marked not-runnable', async (t) => {
  t.ok(runnable.length >= 5, `${runnable.length} blocks to run here`)
  for (const block of blocks) {
    const other = elsewhere(block)
    if (other) t.match(readFileSync(join(ROOT, RUN_ELSEWHERE[other]!), 'utf8'), `'${other}'`, `${label(block)} is run by ${RUN_ELSEWHERE[other]}`)
  }
  for (const block of runnable) t.equal(block.lang, 'ts', `${label(block)} is TypeScript, which this test checks and runs`)
})

// The snippets live outside the repository but resolve packages as the workspace root does
// (@flashcards/* are its links to the built packages).
const dir = mkdtempSync(join(tmpdir(), 'flashcard-readme-'))
symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const files = runnable.map((block, i) => {
  const file = `snippet-${i}.ts`
  writeFileSync(join(dir, file), block.code)
  return file
})
writeFileSync(
  join(dir, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', types: ['node'], strict: true, skipLibCheck: true, noEmit: true },
    files,
  }),
)
writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }))

t.test('they type-check (strict) against the built packages', async (t) => {
  const result = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: dir }).catch((err: { stdout: string }) => err)
  const errors = 'code' in result ? result.stdout.replace(/snippet-(\d+)\.ts/g, (_, i: string) => label(runnable[Number(i)]!)) : ''
  t.equal(errors, '', 'no type error')
})

/** The deck the queue-core README reviews, as a completed generation job leaves it. */
async function seedReadmeDeck(prefix: string): Promise<void> {
  const store = await createDeckStore(loadConfig({ REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix }))
  await seedDeck(store, { tenant: 'acme', course_id: 'course-hr-2025', module_id: 'mod-hr-101' })
  await store.close()
}

t.test('they run', async (t) => {
  for (const [i, block] of runnable.entries()) {
    // A queue prefix per block: the worker of one never takes the job another enqueued.
    const prefix = uniquePrefix(`readme-${i}`)
    t.teardown(() => deletePrefix(prefix))
    await seedReadmeDeck(prefix)
    const env = {
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      LOG_DIR: join(dir, 'logs'),
      LLM_PROVIDER: undefined,
      GEMINI_API_KEY: undefined,
      GOOGLE_AI_API_KEY: undefined,
      DECK_STORE: undefined,
    }
    const proc = startProcess(label(block), process.execPath, ['--import', 'tsx', files[i]!], env, dir)
    if (block.tags.includes('service')) {
      await waitForWorkerStarted(proc)
      proc.signal('SIGTERM')
    }
    const exit = await exitWithin(proc, 60_000)
    t.same(exit, { code: 0, signal: null }, `${label(block)} exits 0${block.tags.includes('service') ? ' on SIGTERM' : ''}`, { output: tailOf(proc, 15) })
  }
})

/** How the process exited, or 'still running' (then it is killed) once `ms` have passed. */
async function exitWithin(proc: ManagedProcess, ms: number) {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), ms)))
  const outcome = await Promise.race([proc.exited, deadline])
  clearTimeout(timer)
  if (outcome === 'still running') await proc.stop(1_000)
  return outcome
}
