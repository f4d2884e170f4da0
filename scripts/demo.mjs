// The one-command demo: start the example host server and both workers, enqueue the sample
// course through the HTTP API exactly as the runbook's curl does, follow each job live over
// server-sent events, then print the cards and write them to files.
import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { randomUUID } from 'node:crypto'
import { toAnkiCsv } from './lib/anki.mjs'
import { freePort } from './lib/ports.mjs'
import { ROOT } from './lib/workspace.mjs'

const COURSE_ID = 'course-hr-2025'
const CONTENT_DIR = join(ROOT, 'examples', 'content')
const OUTPUT_DIR = join(ROOT, 'demo-output')
const TOKEN = `demo-${randomUUID().slice(0, 8)}`
// Its own queue prefix: the demo's workers never take a shared Redis's real jobs (nor the other
// way round), and every key it made can be removed at the end.
const QUEUE_PREFIX = `flashcard-demo-${randomUUID().slice(0, 8)}`
const TARGET_CARD_COUNT = 8

/** Starts a child whose output goes to a log file unless it fails, so the demo's own output stays readable. */
function startProcess(name, command, args, env, logDir) {
  const logFile = join(logDir, `${name}.log`)
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const chunks = []
  const keep = (data) => {
    chunks.push(data)
    writeFileSync(logFile, Buffer.concat(chunks))
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  child.logFile = logFile
  return child
}

async function waitForHealth(base, children, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < deadline) {
    for (const child of children) {
      if (child.exitCode !== null) throw new Error(`a process exited early (code ${child.exitCode}); see ${child.logFile}`)
    }
    try {
      const response = await fetch(`${base}/orchestrator/health`, { headers: { authorization: `Bearer ${TOKEN}` } })
      const body = await response.json()
      if (response.status === 200) return body
      last = JSON.stringify(body)
    } catch (err) {
      last = err.message
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`the API did not become healthy in time (last answer: ${last})`)
}

async function api(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  const payload = await response.json()
  if (!payload.success) throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(payload.error)}`)
  return payload.data
}

/** Progress bars, one line per job, redrawn in place on a terminal and printed at milestones otherwise. */
class ProgressBoard {
  constructor(labels) {
    this.labels = labels
    this.state = labels.map(() => ({ percent: 0, step: 'queued' }))
    this.tty = process.stdout.isTTY
    this.drawn = false
    this.printed = labels.map(() => 0)
    // Every job starts as "queued", shown before the first event arrives.
    if (this.tty) this.draw()
    else labels.forEach((_, index) => console.log(`  ${this.line(index)}`))
  }
  update(index, percent, step) {
    this.state[index] = { percent: Math.round(percent), step }
    if (this.tty) return this.draw()
    const milestone = Math.floor(percent / 25) * 25
    if (milestone > this.printed[index] || step === 'failed') {
      this.printed[index] = milestone
      console.log(`  ${this.line(index)}`)
    }
  }
  line(index) {
    const { percent, step } = this.state[index]
    const width = 30
    const filled = Math.round((percent / 100) * width)
    return `${this.labels[index].padEnd(12)} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(percent).padStart(3)}%  ${step}`
  }
  draw() {
    if (this.drawn) process.stdout.write(`\x1b[${this.labels.length}A`)
    for (let i = 0; i < this.labels.length; i++) process.stdout.write(`\x1b[2K  ${this.line(i)}\n`)
    this.drawn = true
  }
}

/** Follows one job's SSE stream until it completes or fails. */
async function follow(base, jobId, onProgress) {
  const response = await fetch(`${base}/orchestrator/jobs/${jobId}/events`, {
    headers: { authorization: `Bearer ${TOKEN}`, accept: 'text/event-stream' },
  })
  if (!response.ok || !response.body) throw new Error(`events for ${jobId}: HTTP ${response.status}`)
  const decoder = new TextDecoder()
  let buffer = ''
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true })
    let end
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      let event = 'message'
      let data = ''
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim()
        else if (line.startsWith('data:')) data += line.slice(5).trim()
      }
      if (!data) continue
      const payload = JSON.parse(data)
      const progress = payload.progress ?? payload
      if (typeof progress?.percent === 'number') onProgress(progress.percent, progress.step ?? event)
      if (event === 'completed' || payload.state === 'completed') return 'completed'
      if (event === 'failed' || payload.state === 'failed') return 'failed'
    }
  }
  return 'ended'
}

/** Deletes every key under the demo's queue prefix (its jobs, counters, decks); returns how many. */
async function removeKeys(redisUrl) {
  const { Redis } = await import('ioredis')
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await redis.connect()
    let removed = 0
    for await (const keys of redis.scanStream({ match: `${QUEUE_PREFIX}:*`, count: 500 })) {
      if (keys.length > 0) removed += await redis.unlink(...keys)
    }
    return removed
  } finally {
    redis.disconnect()
  }
}

/** The course's decks as the deck routes list them, and the whole course as one Anki package. */
async function saveDeck(base) {
  const decks = await api(base, 'GET', `/decks/${COURSE_ID}`)
  const response = await fetch(`${base}/decks/${COURSE_ID}/export?format=apkg`, { headers: { authorization: `Bearer ${TOKEN}` } })
  if (!response.ok) throw new Error(`GET /decks/${COURSE_ID}/export → ${response.status} ${await response.text()}`)
  const file = join(OUTPUT_DIR, 'deck.apkg')
  writeFileSync(file, Buffer.from(await response.arrayBuffer()))
  return { decks, file }
}

function printCards(results) {
  const cut = (text, n) => {
    const flat = String(text).replace(/\s+/g, ' ')
    return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat
  }
  for (const { module_id, cards } of results) {
    console.log(`\n── ${module_id}: ${cards.length} cards ${'─'.repeat(Math.max(0, 60 - module_id.length))}`)
    console.log(`  ${'type'.padEnd(6)}  ${'front'.padEnd(58)}  back`)
    for (const card of cards) console.log(`  ${card.type.padEnd(6)}  ${cut(card.front, 58).padEnd(58)}  ${cut(card.back, 40)}`)
  }
}

export async function runDemo({ redisUrl, keep }) {
  const modules = readdirSync(join(CONTENT_DIR, COURSE_ID), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
  const port = await freePort()
  const base = `http://127.0.0.1:${port}/api/flashcards`
  const logDir = join(OUTPUT_DIR, 'process-logs')
  mkdirSync(logDir, { recursive: true })
  const provider = process.env.GEMINI_API_KEY || process.env.GOOGLE_AI_API_KEY ? 'gemini' : 'offline'
  const env = {
    REDIS_URL: redisUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    API_TOKENS: `${TOKEN}:demo`,
    CONTENT_DIR,
    LOG_DIR: join(ROOT, 'server', 'tmp', 'logs'),
    LLM_PROVIDER: process.env.LLM_PROVIDER ?? provider,
    QUEUE_PREFIX,
    DASHBOARD_TENANT: 'demo',
  }
  console.log(`• starting the example server on ${base} and both workers (LLM provider: ${env.LLM_PROVIDER})`)
  console.log(`• queue prefix ${QUEUE_PREFIX}: its own keys, removed when the demo ends`)
  const server = startProcess('server', process.execPath, ['--import', 'tsx', 'examples/server.ts'], env, logDir)
  const workers = startProcess('workers', process.execPath, ['packages/workers/dist/cli.js', 'all'], env, logDir)
  const children = [server, workers]
  // However the demo ends (Ctrl-C, a closed pipe, a crash), it must not leave the processes behind.
  process.once('exit', () => children.forEach((child) => child.exitCode === null && child.kill('SIGKILL')))
  const interrupted = () => stopAll().then(() => process.exit(130))
  if (!keep) for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, interrupted)
  process.stdout.on('error', interrupted)
  const stopAll = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve()
            child.once('exit', resolve)
            child.kill('SIGTERM')
            setTimeout(() => child.kill('SIGKILL'), 15_000).unref()
          }),
      ),
    )
  }
  try {
    await waitForHealth(base, children)
    console.log(`• enqueueing ${modules.length} modules of ${COURSE_ID} (POST ${base}/orchestrator/generate-batch)`)
    const jobs = []
    for (const module_id of modules) {
      const data = await api(base, 'POST', '/orchestrator/generate-batch', {
        mode: 'single_module',
        target: { module_id, course_id: COURSE_ID },
        settings: { target_card_count: TARGET_CARD_COUNT },
      })
      const job = (data.jobs ?? data)[0]
      jobs.push({ module_id, job_id: job.job_id ?? job.id })
    }
    const board = new ProgressBoard(jobs.map((j) => j.module_id))
    const outcomes = await Promise.all(jobs.map((job, i) => follow(base, job.job_id, (percent, step) => board.update(i, percent, step))))
    const results = []
    for (const [i, job] of jobs.entries()) {
      const status = await api(base, 'GET', `/orchestrator/jobs/${job.job_id}`)
      if (status.state !== 'completed') throw new Error(`job ${job.job_id} (${job.module_id}) ended ${outcomes[i]}: ${status.error}`)
      results.push({ module_id: job.module_id, job_id: job.job_id, cards: status.result.cards, stats: status.result.stats })
    }
    printCards(results)
    mkdirSync(OUTPUT_DIR, { recursive: true })
    writeFileSync(join(OUTPUT_DIR, 'cards.json'), JSON.stringify(results, null, 2))
    const anki = toAnkiCsv(results, `Flashcard demo::${COURSE_ID}`)
    writeFileSync(join(OUTPUT_DIR, 'anki-basic.csv'), anki.basic)
    writeFileSync(join(OUTPUT_DIR, 'anki-cloze.csv'), anki.cloze)
    const deck = await saveDeck(base)
    const total = results.reduce((n, r) => n + r.cards.length, 0)
    const rel = (p) => relative(process.cwd(), p) || '.'
    console.log(`\n✔ ${total} cards for ${results.length} modules, kept as ${deck.decks.total} decks (GET ${base}/decks/${COURSE_ID})`)
    console.log(`  cards:      ${rel(join(OUTPUT_DIR, 'cards.json'))}, Anki CSV: ${rel(join(OUTPUT_DIR, 'anki-basic.csv'))} and ${rel(join(OUTPUT_DIR, 'anki-cloze.csv'))}`)
    console.log(`  Anki deck:  ${rel(deck.file)} (File → Import in Anki; a subdeck per module)`)
    console.log(`  API docs:   http://127.0.0.1:${port}/docs   (token: ${TOKEN})`)
    console.log(`  dashboard:  http://127.0.0.1:${port}/admin/queues   (any user name, password ${TOKEN})`)
    console.log(`  health:     curl ${base}/orchestrator/health -H "Authorization: Bearer ${TOKEN}"`)
    console.log(`  metrics:    curl ${base}/orchestrator/metrics -H "Authorization: Bearer ${TOKEN}"`)
    console.log(`  job logs:   ${rel(env.LOG_DIR)}/<job id>.json, e.g. ${rel(join(env.LOG_DIR, `${jobs[0].job_id}.json`))}`)
    console.log(`              or curl ${base}/orchestrator/jobs/${jobs[0].job_id}/logs -H "Authorization: Bearer ${TOKEN}"`)
    if (keep) {
      console.log(`\n  review:     http://127.0.0.1:${port}/api/flashcards/review/   (sign in with the token ${TOKEN})`)
      console.log('\n• --keep: the server and workers keep running; press Ctrl-C to stop them.')
      await new Promise((resolve) => {
        process.once('SIGINT', resolve)
        process.once('SIGTERM', resolve)
      })
    }
    return 0
  } catch (err) {
    console.error(`\n✖ ${err.message}`)
    console.error(`  process logs: ${relative(process.cwd(), logDir)}/`)
    return 1
  } finally {
    await stopAll()
    const removed = await removeKeys(redisUrl).catch((err) => console.error(`  could not remove the demo's keys (${QUEUE_PREFIX}:*): ${err.message}`))
    if (removed !== undefined) console.log(`• removed ${removed} Redis keys of ${QUEUE_PREFIX}`)
  }
}
