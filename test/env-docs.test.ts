/**
 * The environment tables of the documentation against what the code reads: every variable
 * loadConfig() reads is in docs/runbook.md's table (the complete one), and the README's tables
 * name nothing that table lacks. A variable is documented when a row of a `| variable | …` table
 * names it in backticks, in any column.
 */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { loadConfig } from '../packages/queue-core/src/index.js'

function documented(file: string): Set<string> {
  const names = new Set<string>()
  let inTable = false
  for (const line of readFileSync(new URL(`../${file}`, import.meta.url), 'utf8').split('\n')) {
    if (line.startsWith('| variable |')) inTable = true
    else if (!line.startsWith('|')) inTable = false
    else if (inTable) for (const [, name] of line.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.add(name!)
  }
  return names
}

/** Every name loadConfig looks up, defaults included: it reads from an env that records each lookup. */
function variablesRead(): Set<string> {
  const read = new Set<string>()
  const env = new Proxy(
    {},
    {
      get(_target, name) {
        if (typeof name === 'string') read.add(name)
        return undefined
      },
    },
  )
  loadConfig(env)
  return read
}

const read = variablesRead()
const runbook = documented('docs/runbook.md')
const readme = documented('README.md')

t.test("every variable loadConfig reads is in the runbook's environment table", async (t) => {
  t.ok(read.size > 40, `${read.size} variables read`)
  t.same(
    [...read].filter((name) => !runbook.has(name)),
    [],
    'none missing',
  )
})

t.test('the README documents no variable the runbook table lacks', async (t) => {
  t.same(
    [...readme].filter((name) => !runbook.has(name)),
    [],
  )
})

t.test('the deck store and retention variables are read and documented in both', async (t) => {
  for (const name of ['DECK_STORE', 'DATABASE_URL', 'KEEP_COMPLETED_JOBS', 'KEEP_COMPLETED_AGE_S', 'KEEP_FAILED_JOBS', 'KEEP_FAILED_AGE_S']) {
    t.ok(read.has(name), `${name} is read by loadConfig`)
    t.ok(runbook.has(name), `${name} is in docs/runbook.md`)
    t.ok(readme.has(name), `${name} is in the README`)
  }
})
