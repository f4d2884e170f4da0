/*
 * Hostile files through the real API server and the real transcription worker CLI: each
 * pathological file (zip bomb DOCX, a PDF declaring 200,000 pages, an 80,000-character cue, HTML
 * nested 100,000 deep or 300,000 siblings wide, a Word document that is slow to convert, a FIFO
 * in LOCAL_FILE_ROOT) fails only its own job, quickly, with an error naming the file and the
 * limit; a control job enqueued beside them completes; the same worker process keeps running and
 * the API's health answers 200 throughout. Extraction runs in the worker's sandbox threads.
 */
import { execFileSync } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import { deepHtml, largeDocx, longCueVtt, manyPagePdf, siblingFloodHtml, zipBombDocx } from '../packages/workers/test/fixtures/hostile-files.js'
import { apiRequest, closeHttpAgent } from './support/http-client.js'
import { rssOf, tailOf, waitFor, type ManagedProcess } from '@flashcards/test-support'
import { startApiServer, startWorkerCli, tempDir, waitForWorkerStarted, type ApiServer } from './support/processes.js'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

const TOKEN = `hostile-${randomUUID()}`
t.teardown(closeHttpAgent)

interface Outcome {
  state: string
  error: string | null
  attempts: number
  ms: number
}

/** A loopback file server for the given bodies, by path. */
async function fileServer(t: Test, files: Record<string, Uint8Array | string>) {
  const server = createServer((req, res) => {
    const body = files[req.url ?? '']
    if (body === undefined) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** The example API server and one transcription worker CLI on a private prefix, health polled every 200 ms. */
async function stack(t: Test, workerEnv: Record<string, string>) {
  const prefix = uniquePrefix('reliability-hostile-files')
  const dirs = { content: tempDir('content'), logs: tempDir('logs'), local: tempDir('local') }
  const env = { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, LOG_DIR: dirs.logs.path }
  const api: ApiServer = await startApiServer({ ...env, API_TOKENS: `${TOKEN}:tenant-hostile` })
  const worker: ManagedProcess = startWorkerCli('transcription', {
    ...env,
    CONTENT_DIR: dirs.content.path,
    LOCAL_FILE_ROOT: dirs.local.path,
    ALLOW_PRIVATE_FILE_URLS: 'true',
    JOB_ATTEMPTS: '2',
    ...workerEnv,
  })
  const health: number[] = []
  let polling = true
  const poller = (async () => {
    while (polling) {
      health.push((await apiRequest(api.base, 'GET', '/orchestrator/health').catch(() => ({ status: 0 }))).status)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  })()
  t.teardown(async () => {
    polling = false
    await poller
    await Promise.all([api.stop(), worker.stop()])
    await deletePrefix(prefix)
    for (const dir of Object.values(dirs)) dir.remove()
  })
  await waitForWorkerStarted(worker)
  await waitFor('health to answer 200 once the worker beats', async () => (await apiRequest(api.base, 'GET', '/orchestrator/health')).status === 200, 30_000, 100)
  health.length = 0
  const enqueue = async (file_id: string, url: string) => {
    const created = await apiRequest(api.base, 'POST', '/transcription/jobs', TOKEN, { module_id: `mod-${file_id}`, course_id: 'course-hostile', files: [{ file_id, url }] })
    if (created.status !== 202) throw new Error(`enqueue ${file_id}: ${created.status} ${JSON.stringify(created.body)}`)
    return created.body.data.job_id as string
  }
  const outcome = (jobId: string) =>
    waitFor<Outcome>(
      `transcription job ${jobId} to finish`,
      async () => {
        const { data } = (await apiRequest(api.base, 'GET', `/transcription/jobs/${jobId}`, TOKEN)).body
        if (data?.state !== 'completed' && data?.state !== 'failed') return false
        // The module job's own timings include its children; the failure is the file's.
        return { state: data.state, error: data.error, attempts: data.attempts_made, ms: Date.parse(data.finished_at) - Date.parse(data.created_at) }
      },
      120_000,
      100,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${tailOf(worker)}`)
    })
  return { api, worker, dirs, health, enqueue, outcome }
}

t.test('each hostile file fails its own job with a named limit; a control job completes; health stays 200', async (t) => {
  const base = await fileServer(t, {
    '/bomb.docx': await zipBombDocx(),
    '/huge.pdf': manyPagePdf(),
    '/cue.vtt': longCueVtt(),
    '/deep.html': deepHtml(),
    '/siblings.html': siblingFloodHtml(),
    '/heading.md': `# a${' '.repeat(6000)}b\n\nTides follow the moon.\n`,
    '/control.md': '# Tides\n\nA tide is the regular rise and fall of the sea, caused by the pull of the moon.\n',
  })
  const s = await stack(t, { WORKER_CONCURRENCY: '4', EXTRACT_THREADS: '2' })
  execFileSync('mkfifo', [join(s.dirs.local.path, 'pipe.txt')])
  const hostile: Record<string, { url: string; limit: RegExp }> = {
    'zip-bomb': { url: `${base}/bomb.docx`, limit: /DOCX part word\/document\.xml would inflate to [\d,]+ bytes, over the limit of 33,554,432 bytes per part/ },
    'huge-pdf': { url: `${base}/huge.pdf`, limit: /the PDF has 200,000 pages, over the limit of 5,000/ },
    'long-cue': { url: `${base}/cue.vtt`, limit: /the cue at 00:00:03\.000 holds 80,000 characters, over the limit of 10,000 per cue/ },
    'deep-html': { url: `${base}/deep.html`, limit: /HTML nests elements deeper than the limit of 512 levels/ },
    'sibling-flood': { url: `${base}/siblings.html`, limit: /HTML holds more nodes \(elements, text runs, comments\) than the limit of 250,000/ },
    fifo: { url: 'pipe.txt', limit: /not a regular file/ },
  }
  const pid = s.worker.pid
  const started = Date.now()
  const ids = Object.fromEntries(await Promise.all(Object.entries(hostile).map(async ([id, { url }]) => [id, await s.enqueue(id, url)] as const)))
  const heading = await s.enqueue('heading', `${base}/heading.md`)
  const control = await s.enqueue('control', `${base}/control.md`)
  const results = Object.fromEntries(await Promise.all(Object.entries(ids).map(async ([id, jobId]) => [id, await s.outcome(jobId)] as const)))
  const [controlOutcome, headingOutcome] = await Promise.all([s.outcome(control), s.outcome(heading)])
  const elapsed = Date.now() - started
  for (const [id, { limit }] of Object.entries(hostile)) {
    const outcome = results[id]!
    t.equal(outcome.state, 'failed', `${id}: its job fails`)
    t.match(outcome.error, new RegExp(`File ${id} \\(`), `${id}: the error names the file`)
    t.match(outcome.error, limit, `${id}: and the limit: ${outcome.error}`)
    t.notMatch(outcome.error, /stalled|\/tmp\//, `${id}: not a stall, no server path`)
    t.ok(outcome.ms < 30_000, `${id}: within 30 s (${outcome.ms} ms)`)
  }
  t.equal(controlOutcome.state, 'completed', 'the control job beside them completes')
  t.equal(headingOutcome.state, 'completed', 'a 6 KB pathological heading is read in linear time')
  t.ok(s.worker.alive(), 'the worker process is still running')
  t.equal(s.worker.pid, pid, 'the same process: it was never restarted')
  t.notMatch(s.worker.output(), /job stalled|heap out of memory|FATAL/i, 'no stalled job, no crash in its output')
  const statuses = [...new Set(s.health)]
  t.same(statuses, [200], `health answered 200 on all ${s.health.length} polls`)
  const rssMb = Math.round(rssOf(pid) / 1024 / 1024)
  t.comment(
    `hostile files: jobs=${Object.keys(hostile).length} failed_with_named_limit=${Object.values(results).filter((r) => r.state === 'failed').length} ` +
      `per_job_ms=${JSON.stringify(Object.fromEntries(Object.entries(results).map(([id, r]) => [id, r.ms])))} control=${controlOutcome.state} (${controlOutcome.ms} ms) ` +
      `heading_6kb=${headingOutcome.state} (${headingOutcome.ms} ms) health_polls=${s.health.length} statuses=${JSON.stringify(statuses)} worker_restarts=0 worker_rss_mb=${rssMb} elapsed_ms=${elapsed}`,
  )
})

const SANDBOX_LIMITS = [
  {
    name: 'time',
    env: { EXTRACT_TIMEOUT_MS: '2000', EXTRACT_MAX_HEAP_MB: '1024' },
    error:
      /^1 of 1 files could not be transcribed: File book \([^)]+\): reading the file took longer than the limit of 2,000 ms \(EXTRACT_TIMEOUT_MS\); its extraction thread was stopped$/,
  },
  {
    name: 'heap',
    env: { EXTRACT_TIMEOUT_MS: '120000', EXTRACT_MAX_HEAP_MB: '48' },
    error:
      /^1 of 1 files could not be transcribed: File book \([^)]+\): reading the file needed more memory than the limit of 48 MB \(EXTRACT_MAX_HEAP_MB\); its extraction thread was stopped$/,
  },
]

for (const limit of SANDBOX_LIMITS) {
  t.test(`a Word document over the sandbox's ${limit.name} limit fails its job, its thread is stopped, the worker lives on`, async (t) => {
    // Within every expansion limit, but about 6 s and 170 MB of heap to convert.
    const docx = await largeDocx()
    const base = await fileServer(t, { '/book.docx': docx, '/control.md': '# Moon\n\nThe moon is the natural satellite that orbits the earth.\n' })
    const s = await stack(t, { WORKER_CONCURRENCY: '2', EXTRACT_THREADS: '2', ...limit.env })
    const pid = s.worker.pid
    const book = await s.enqueue('book', `${base}/book.docx`)
    const control = await s.enqueue('control', `${base}/control.md`)
    const [bookOutcome, controlOutcome] = await Promise.all([s.outcome(book), s.outcome(control)])
    t.equal(bookOutcome.state, 'failed')
    t.match(bookOutcome.error, limit.error)
    t.equal(bookOutcome.attempts, 1, 'not retried: the file will not change')
    t.equal(controlOutcome.state, 'completed', 'the control job completes')
    t.ok(s.worker.alive() && s.worker.pid === pid, 'the worker process lives on')
    t.same([...new Set(s.health)], [200], `health answered 200 on all ${s.health.length} polls`)
    t.comment(
      `${limit.name} limit: docx_bytes=${docx.length} ${JSON.stringify(limit.env)} failed_after_ms=${bookOutcome.ms} control=${controlOutcome.state} health_polls=${s.health.length} statuses=[200] worker_rss_mb=${Math.round(rssOf(pid) / 1024 / 1024)}`,
    )
  })
}
