/*
 * The READMEs' shell blocks and the root README's webhook receiver, run as written. Every fenced
 * block of every README is accounted for: run here, run by another test (the package READMEs'
 * TypeScript by readme-snippets, the installed hosts by pack-install), parsed (JSON), plain text,
 * or tagged `not-runnable` (the text around it says why).
 *
 * A shell block tagged `service` is one long-running process per line: each is started as written
 * in a process group of its own, must come up (a worker logs "worker started", a server answers
 * HTTP), and must exit 0 on SIGTERM, all at once (they share nothing but the queue prefix). The server block of the plugin README stays up while the
 * plain shell blocks (its curl calls) run against it with its real token; the one rewrite is the
 * address: `http://localhost:5000` becomes the free port the server listens on. Everything runs
 * on the real Redis under a queue prefix of this run, and PostgreSQL in a throwaway schema.
 */
import t, { type Test } from 'tap'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { createDeckStore, loadConfig } from '@flashcards/queue-core'
import { signWebhook } from '@flashcards/workers'
import { freePort, LOOPBACK, ROOT, waitFor } from '@flashcards/test-support'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'
import { TEST_DATABASE_URL, throwawaySchema } from '@flashcards/test-support/postgres'
import { readmeBlocks, taggedBlock, type CodeBlock } from './support/readme-blocks.js'

t.setTimeout(120_000)

const READMES = ['README.md', 'bench/README.md', ...['queue-core', 'fastify-flashcard', 'workers', 'test-support'].map((name) => `packages/${name}/README.md`)]
const blocks = READMES.flatMap((file) => readmeBlocks(join(ROOT, file)))
const label = (block: CodeBlock) => relative(ROOT, block.where)
const runnable = (block: CodeBlock) => !block.tags.includes('not-runnable')
const shell = blocks.filter((block) => ['bash', 'sh'].includes(block.lang) && runnable(block))
const services = shell.filter((block) => block.tags.includes('service'))
const scripts = shell.filter((block) => !block.tags.includes('service'))
const WORKERS_VERSION = (JSON.parse(readFileSync(join(ROOT, 'packages/workers/package.json'), 'utf8')) as { version: string }).version
/** The card the plugin README's PATCH example approves. */
const CARD_ID = 'c-3f9a1b2c4d5e6f70'

const dir = mkdtempSync(join(tmpdir(), 'flashcard-readme-run-'))
const prefix = uniquePrefix('readme-run')
const pg = await throwawaySchema('readme-run')
t.teardown(async () => {
  rmSync(dir, { recursive: true, force: true })
  await deletePrefix(prefix)
  await pg.drop()
})
const env: Record<string, string | undefined> = {
  REDIS_URL: TEST_REDIS_URL,
  QUEUE_PREFIX: prefix,
  HOST: LOOPBACK,
  LOG_DIR: join(dir, 'logs'),
  CONTENT_DIR: join(ROOT, 'examples/content'),
  LLM_PROVIDER: undefined,
  GEMINI_API_KEY: undefined,
  GOOGLE_AI_API_KEY: undefined,
  DECK_STORE: undefined,
  DATABASE_URL: undefined,
  NODE_OPTIONS: undefined,
}

t.test('every README block is run, checked or marked not-runnable', async (t) => {
  const byOthers = new Set(['ts', 'js'])
  for (const block of blocks) {
    const where = label(block)
    if (!runnable(block)) continue
    if (['bash', 'sh', 'json', 'text'].includes(block.lang)) continue // run or parsed here and in readme-shell-blocks
    if (byOthers.has(block.lang) && block.where.includes('/packages/')) continue // readme-snippets checks them all
    t.ok(block.tags.includes('webhook-receiver'), `${where}: a ${block.lang || 'plain'} block this test runs (or tag it not-runnable)`)
  }
  t.ok(services.length >= 3 && scripts.length >= 1, `${services.length} service blocks, ${scripts.length} script blocks`)
})

/**
 * A shell line started in a process group of its own. What it runs may sit under wrappers (npx,
 * pnpm, tsx) that do not pass SIGTERM on; `stop` signals the program itself, by the pid its log
 * lines carry, as a process manager signalling the service would, and the wrappers exit with it.
 * A direct spawn, not the test-support starter: the process group (detached, killed as -pid) and
 * the signal to the program inside it are what this test exercises.
 */
function startLine(line: string, extra: Record<string, string>) {
  const child = spawn('bash', ['-c', line], { cwd: ROOT, env: { ...process.env, ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let output = ''
  child.stdout.on('data', (data: Buffer) => (output += data.toString()))
  child.stderr.on('data', (data: Buffer) => (output += data.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  const alive = () => child.exitCode === null && child.signalCode === null
  // A failed assertion must not leave the group running.
  const kill = () => alive() && process.kill(-child.pid!, 'SIGKILL')
  process.once('exit', kill)
  return {
    output: () => output,
    alive,
    exited,
    /** The pid of the program, from its first JSON log line. */
    programPid: () => Number(/"pid":(\d+)/.exec(output)?.[1]) || undefined,
    /** SIGTERM to the program; the group's exit, or 'killed' (SIGKILL to the group) after 30 s. */
    async stop() {
      const pid = this.programPid()
      if (pid && alive()) process.kill(pid, 'SIGTERM')
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<'killed'>((resolve) => (timer = setTimeout(() => resolve('killed'), pid ? 30_000 : 0)))
      const outcome = await Promise.race([exited, late])
      clearTimeout(timer)
      if (outcome === 'killed') kill()
      process.removeListener('exit', kill)
      return outcome
    },
  }
}
type Line = ReturnType<typeof startLine>

/** The command lines of a block: continuation lines joined, comment lines dropped. */
function lines(code: string): string[] {
  return code
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => line.trim() && !line.trim().startsWith('#'))
}

/** Waits until a started line is up: a server answers HTTP, a worker logs that it started. */
async function up(proc: Line, base: string | undefined, what: string): Promise<void> {
  await waitFor(
    what,
    async () => {
      if (!proc.alive()) throw new Error(`${what}: exited\n${proc.output().slice(-3000)}`)
      if (!proc.programPid()) return false
      if (base) return (await fetch(`${base}/api/flashcards/orchestrator/health`)).status > 0
      return proc.output().includes('worker started')
    },
    60_000,
    100,
  )
}

/** What a line needs to stay in this run's sandbox: its PostgreSQL URL gets the throwaway schema. */
function sandboxed(line: string): string {
  return line.replace(/DATABASE_URL=\S+/, `DATABASE_URL='${TEST_DATABASE_URL}?search_path=${pg.schema}'`)
}

t.test('the service blocks start and exit 0 on SIGTERM; the script blocks run against the server', async (t) => {
  const store = await createDeckStore(loadConfig({ REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix }))
  await store.writeRevision(
    { tenant: 'tenant-a', course_id: 'course-hr-2025', module_id: 'mod-hr-101' },
    {
      job_id: 'job-readme-1',
      cards: [{ id: CARD_ID, type: 'basic', front: 'Who signs off a lockout?', back: 'The supervisor', source: { module_id: 'mod-hr-101', chunk_id: 'mod-hr-101#1' } }],
    },
  )
  await store.close()

  const started = await Promise.all(
    services.flatMap((block) =>
      lines(block.code).map(async (line) => {
        const port = await freePort()
        const base = line.includes('examples/server.ts') ? `http://${LOOPBACK}:${port}` : undefined
        return { where: `${label(block)}: ${line.trim().slice(0, 80)}`, base, proc: startLine(sandboxed(line), { PORT: String(port) }) }
      }),
    ),
  )
  try {
    await Promise.all(started.map(({ proc, base, where }) => up(proc, base, where)))
    const servers = started.filter(({ base }) => base)
    t.equal(servers.length, 1, 'one server block, for the script blocks to call')
    t.equal(await runScripts(t, servers[0]!.base!), scripts.length, 'every script block ran')
  } finally {
    const exits = await Promise.all(started.map(({ proc }) => proc.stop()))
    for (const [i, { proc, where }] of started.entries()) {
      t.same(exits[i], { code: 0, signal: null }, `${where} exits 0 on SIGTERM`, { output: proc.output().slice(-3000) })
    }
  }
})

/**
 * The plain shell blocks, all at once, each in bash -e, curl failing on any HTTP error: at the
 * repository root when it names the workspace's bins or files, else in a folder of its own (curl
 * -OJ writes there). Resolves with how many ran.
 */
async function runScripts(t: Test, base: string): Promise<number> {
  const preamble = `set -euo pipefail
curl() { local args=(); for a in "$@"; do args+=("\${a//http:\\/\\/localhost:5000/${base}}"); done; command curl -sS --fail-with-body "\${args[@]}"; echo; }
`
  const ran = await Promise.all(
    scripts.map(async (block) => {
      const cwd = /\bpnpm@[\d.]+ exec |\b(?:examples|packages)\//.test(block.code) ? ROOT : mkdtempSync(join(dir, 'script-'))
      const proc = spawn('bash', ['-c', preamble + block.code], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
      let output = ''
      proc.stdout.on('data', (data: Buffer) => (output += data.toString()))
      proc.stderr.on('data', (data: Buffer) => (output += data.toString()))
      const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve))
      t.equal(code, 0, `${label(block)} runs`, { output })
      if (block.code.includes('flashcard-workers --version')) t.match(output.split('\n'), [WORKERS_VERSION], `${label(block)} prints the version`)
      if (block.code.includes('curl -OJ')) t.ok(existsSync(join(cwd, 'course-hr-2025.apkg')), `${label(block)} downloads course-hr-2025.apkg`)
    }),
  )
  return ran.length
}

t.test("the root README's webhook receiver accepts a signed webhook and refuses a forged one", async (t) => {
  const block = taggedBlock(join(ROOT, 'README.md'), 'webhook-receiver')
  writeFileSync(join(dir, 'receiver.mjs'), block.code)
  const port = await freePort()
  const secret = 'readme-secret'
  const proc = startLine(`exec node ${join(dir, 'receiver.mjs')}`, { PORT: String(port), WEBHOOK_SECRET: secret })
  const url = `http://${LOOPBACK}:${port}/`
  const body = JSON.stringify({ id: 'evt-1', type: 'job.completed', created_at: new Date().toISOString(), data: { job_id: '1', module_id: 'mod-hr-101', deck: { revision: 1 } } })
  const post = (signature: string) => fetch(url, { method: 'POST', body, headers: { 'flashcard-signature': signature } })
  try {
    await waitFor('the receiver to listen', async () => proc.alive() && (await fetch(url, { method: 'POST' })).status > 0, 20_000, 100)
    t.equal((await post(signWebhook(secret, body))).status, 204, 'signed: 204')
    t.equal((await post(signWebhook('another-secret', body))).status, 400, 'forged: 400')
    t.equal((await post(signWebhook(secret, body, Math.floor(Date.now() / 1000) - 3600))).status, 400, 'an hour old: 400')
    await waitFor('the receiver to log the event', () => proc.output().includes('job.completed mod-hr-101'))
  } finally {
    await proc.stop()
  }
})
