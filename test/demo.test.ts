// The README's demo command, run as a user runs it.
import t from 'tap'
import { Redis } from 'ioredis'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT, startProcess } from '@flashcards/test-support'
import { readApkg } from '@flashcards/test-support/apkg'
import { TEST_REDIS_URL } from '@flashcards/test-support/redis'

/** Runs `node scripts/run.mjs demo` to its end with `env` as its whole environment (and PATH, unless `env` sets one). */
async function runDemo(env: Record<string, string | undefined>): Promise<{ code: number | null; output: string }> {
  const demo = startProcess('demo', process.execPath, ['scripts/run.mjs', 'demo'], env, { inheritEnv: false })
  const { code } = await demo.exited
  return { code, output: demo.output() }
}

t.test('with no Redis and no redis-server on PATH it explains how to get one and exits 1', async (t) => {
  const emptyPath = mkdtempSync(join(tmpdir(), 'flashcard-no-redis-'))
  t.teardown(() => rmSync(emptyPath, { recursive: true, force: true }))
  const { code, output } = await runDemo({ PATH: emptyPath, REDIS_URL: 'redis://127.0.0.1:1', HOME: process.env.HOME })
  t.equal(code, 1)
  t.match(output, /No Redis is reachable and redis-server is not on PATH/)
  t.match(output, /docker compose -f docker-compose\.redis\.yml up -d/)
})

t.test('with Redis it prints cards for every module of the sample course and writes them', async (t) => {
  const { code, output } = await runDemo({ ...process.env, REDIS_URL: TEST_REDIS_URL })
  if (code !== 0) t.comment(output.slice(-3000))
  t.equal(code, 0, 'the demo exits 0')
  const modules = readdirSync(join(ROOT, 'examples/content/course-hr-2025'))
  for (const module of modules) {
    const match = new RegExp(`── ${module}: (\\d+) cards`).exec(output)
    t.ok(match && Number(match[1]) > 0, `cards printed for ${module}`)
  }
  t.match(output, /100%/, 'live progress reached 100%')
  const saved = JSON.parse(readFileSync(join(ROOT, 'demo-output/cards.json'), 'utf8')) as { module_id: string; cards: unknown[] }[]
  t.same(saved.map((m) => m.module_id).sort(), [...modules].sort())
  t.match(readFileSync(join(ROOT, 'demo-output/anki-basic.csv'), 'utf8'), /^#notetype:Basic$/m)
  t.match(output, /API docs: +http:\/\/127\.0\.0\.1:\d+\/docs/)

  // The deck, read back through the deck routes, as one Anki package: a subdeck per module.
  const apkg = await readApkg(readFileSync(join(ROOT, 'demo-output/deck.apkg')))
  t.equal(apkg.integrity, 'ok')
  const subdecks = Object.values(apkg.col.decks)
    .map((d) => String(d.name))
    .filter((name) => name.includes('::'))
  t.equal(subdecks.length, modules.length, 'a subdeck per module')
  t.equal(
    apkg.notes.length,
    saved.reduce((n, m) => n + m.cards.length, 0),
    'every generated card is a note',
  )
  t.ok(apkg.cards.length >= apkg.notes.length)
  t.match(output, new RegExp(`kept as ${modules.length} decks`))

  // Its own prefix, its keys gone at the end; every job shown as queued first; the dashboard named with
  // how to sign in.
  const prefix = /queue prefix (flashcard-demo-[0-9a-f]{8})/.exec(output)?.[1]
  t.ok(prefix, 'the demo names its own queue prefix')
  const redis = new Redis(TEST_REDIS_URL)
  t.teardown(() => redis.quit())
  t.same(await redis.keys(`${prefix}:*`), [], 'no key of the demo is left behind')
  t.match(output, new RegExp(`removed [1-9]\\d* Redis keys of ${prefix}`))
  for (const module of modules) t.match(output, new RegExp(`${module} +\\[░+\\]   0%  queued`), `${module} starts as queued`)
  t.match(output, /dashboard: +http:\/\/127\.0\.0\.1:\d+\/admin\/queues +\(any user name, password \S+\)/, 'the dashboard with its login hint')
})
