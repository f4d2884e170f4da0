/**
 * The READMEs' shell and JSON blocks say what works: every JSON block parses; every curl names a
 * route the API documents (method and path, against the plugin's OpenAPI document) with a URL the
 * shell passes as it is (quoted when it has a `?`, no bare `<placeholder>`, which the shell reads
 * as a redirect); `npm run` scripts, `pnpm exec` bins and the files run with tsx or node exist,
 * and no command runs the workers' bin by its bare name through npx. test/readme-blocks-run.test.ts
 * runs them.
 */
import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Fastify from 'fastify'
import fastifyFlashcard from '@flashcards/fastify-flashcard'
import { readmeBlocks } from './support/readme-blocks.js'
import { ROOT } from '@flashcards/test-support'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

const READMES = ['README.md', 'bench/README.md', ...['queue-core', 'fastify-flashcard', 'workers'].map((name) => `packages/${name}/README.md`)]
const blocks = READMES.flatMap((file) => readmeBlocks(join(ROOT, file)))
// Blocks no test runs (tagged not-runnable) are checked here all the same: a reader still copies them.
const shellBlocks = blocks.filter((block) => ['bash', 'sh'].includes(block.lang))

const prefix = uniquePrefix('readme-shell')
const app = Fastify()
await app.register(fastifyFlashcard, { connection: TEST_REDIS_URL, queuePrefix: prefix, auth: { tokens: { 'readme-token-1': 'tenant-a' } } })
const doc = (await app.inject({ url: '/api/flashcards/openapi.json' })).json<{ paths: Record<string, Record<string, unknown>> }>()
t.teardown(async () => {
  await app.close()
  await deletePrefix(prefix)
})

/** The commands of a shell block: continuation lines joined, comments dropped. */
function commands(code: string): string[] {
  return code
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.replace(/(?:^|\s)#.*$/, '').trim())
    .filter(Boolean)
}

/** The documented operation a method and URL path reach, if any. */
function operationFor(method: string, path: string): string | undefined {
  for (const [template, methods] of Object.entries(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`)
    if (pattern.test(path) && methods[method.toLowerCase()]) return `${method} ${template}`
  }
  return undefined
}

t.test('JSON blocks parse', async (t) => {
  const json = blocks.filter((block) => block.lang === 'json')
  t.ok(json.length > 0)
  for (const block of json) t.doesNotThrow(() => JSON.parse(block.code), block.where)
})

t.test('every curl names a documented route, with a URL the shell passes as it is', async (t) => {
  const curls = shellBlocks.flatMap((block) =>
    commands(block.code)
      .filter((c) => /^curl\b/.test(c))
      .map((command) => ({ block, command })),
  )
  t.ok(curls.length > 0)
  for (const { block, command } of curls) {
    const where = `${block.where}: ${command.slice(0, 90)}`
    const unquoted = command.replace(/"[^"]*"|'[^']*'/g, '""')
    t.notMatch(unquoted, /[<>?&]/, `${where}: no bare <, >, ? or & (quote the URL, use $VARIABLES for placeholders)`)
    const url = /["']?(https?:\/\/localhost:5000[^"'\s]*)/.exec(command)?.[1]
    t.ok(url, `${where}: a URL of the example server`)
    const path = new URL(url!.replace(/\$[A-Z_]+/g, 'x')).pathname
    const method = /-X\s+([A-Z]+)/.exec(command)?.[1] ?? 'GET'
    t.ok(operationFor(method, path), `${where}: ${method} ${path} is a documented route`)
  }
})

t.test('the scripts, bins and files the commands run exist', async (t) => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
  const bins = Object.keys((JSON.parse(readFileSync(join(ROOT, 'packages/workers/package.json'), 'utf8')) as { bin: Record<string, string> }).bin)
  for (const block of shellBlocks) {
    for (const command of commands(block.code)) {
      const where = `${block.where}: ${command.slice(0, 90)}`
      const script = /\bnpm (?:run )?([\w:-]+)/.exec(command)?.[1]
      if (script && !['install', 'exec'].includes(script)) t.ok(scripts[script === 'test' ? 'test' : script], `${where}: npm script "${script}"`)
      // npx looks a bare bin name up in the registry (404, or someone else's package).
      t.notMatch(command, /(^|\s)npx (-y )?flashcard-workers\b/, `${where}: pnpm exec flashcard-workers in the repository, npx @flashcards/workers installed`)
      const bin = /\bpnpm@[\d.]+ exec ([\w-]+)/.exec(command)?.[1]
      if (bin) t.ok(bins.includes(bin), `${where}: bin "${bin}"`)
      const file = /\b(?:npx tsx|node) ((?:examples|packages)\/\S+)/.exec(command)?.[1]
      if (file) t.ok(existsSync(join(ROOT, file)), `${where}: ${file} exists`)
      const installed = /\bnode node_modules\/@flashcards\/workers\/(\S+)/.exec(command)?.[1]
      if (installed) t.ok(existsSync(join(ROOT, 'packages/workers', installed)), `${where}: the package ships ${installed}`)
    }
  }
})
