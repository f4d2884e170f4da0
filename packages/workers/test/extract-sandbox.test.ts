/*
 * The extraction sandbox: worker threads with a wall-clock limit that really stops them (even
 * inside a catastrophic regular expression), a heap limit, and a thread that dies taking only its
 * own task. The main thread's event loop keeps turning throughout.
 */
import t from 'tap'
import { ExtractionSandbox } from '../src/extract/sandbox/index.js'
import { ThreadPool } from '../src/extract/sandbox/pool.js'
import { largeDocx, zipBombDocx } from './fixtures/hostile-files.js'
import { makeWav } from './fixtures/documents.js'

type Ask = { do: 'echo'; value: number } | { do: 'spin' | 'regex' | 'allocate' | 'exit' }
const THREAD = new URL('./fixtures/pool-thread.mjs', import.meta.url)

/** Counts event-loop turns: a blocked main thread would count none. */
function loopTicker() {
  let ticks = 0
  const timer = setInterval(() => ticks++, 10)
  return { stop: () => (clearInterval(timer), ticks) }
}

t.test('the thread pool stops a task over its time or heap, or whose thread exits; the others go on', async (t) => {
  const pool = new ThreadPool<Ask, { echo?: number; threadId?: number }>({ file: THREAD, size: 3, timeoutMs: 1_500, maxHeapMb: 64 })
  // Time enough to reach the heap limit (V8 collects hard near it before giving up).
  const roomy = new ThreadPool<Ask, unknown>({ file: THREAD, size: 1, timeoutMs: 120_000, maxHeapMb: 64 })
  t.teardown(() => Promise.all([pool.close(), roomy.close()]))
  const ticker = loopTicker()
  const started = Date.now()
  const [spin, regex, allocate, exit] = await Promise.allSettled([pool.run({ do: 'spin' }), pool.run({ do: 'regex' }), roomy.run({ do: 'allocate' }), pool.run({ do: 'exit' })])
  const elapsed = Date.now() - started
  const controls = await Promise.all([1, 2, 3, 4, 5].map((value) => pool.run({ do: 'echo', value })))
  const ticks = ticker.stop()
  t.match(spin, { status: 'rejected', reason: { name: 'ThreadLimitError', kind: 'time', message: 'took longer than 1500 ms' } }, 'an endless loop is stopped at the time limit')
  t.match(regex, { status: 'rejected', reason: { kind: 'time' } }, 'so is a catastrophic regular expression')
  t.match(allocate, { status: 'rejected', reason: { kind: 'memory', message: /out of memory/i } }, 'a thread over its heap limit is stopped')
  t.match(exit, { status: 'rejected', reason: { kind: 'exit', message: 'the thread exited with code 3' } }, 'a thread that exits fails its task')
  t.same(
    controls.map((reply) => reply.echo),
    [1, 2, 3, 4, 5],
    'tasks after them run on fresh threads',
  )
  t.ok(pool.size <= 3, `never more than 3 threads (${pool.size} now)`)
  t.ok(ticks > elapsed / 10 / 4, `the main event loop kept turning (${ticks} ticks of 10 ms in ${elapsed} ms)`)
  t.comment(`thread pool: 4 hostile tasks stopped (time, regex, heap 64 MB, exit) in ${elapsed} ms; main loop ticks=${ticks}; 5 control tasks answered`)
})

t.test('a task aborted by its job stops its thread; a queued one never starts', async (t) => {
  const pool = new ThreadPool<Ask, unknown>({ file: THREAD, size: 1, timeoutMs: 60_000, maxHeapMb: 64 })
  t.teardown(() => pool.close())
  const running = new AbortController()
  const queued = new AbortController()
  const spin = pool.run({ do: 'spin' }, running.signal)
  const waiting = pool.run({ do: 'echo', value: 1 }, queued.signal)
  queued.abort(new Error('cancelled while queued'))
  await t.rejects(waiting, { message: 'cancelled while queued' })
  running.abort(new Error('job cancelled'))
  await t.rejects(spin, { message: 'job cancelled' })
  t.match(await pool.run({ do: 'echo', value: 2 }), { echo: 2, threadId: Number }, 'the pool goes on with a new thread')
})

t.test('a closed pool refuses tasks with its coded error, the queued ones too', async (t) => {
  const pool = new ThreadPool<Ask, unknown>({ file: THREAD, size: 1, timeoutMs: 60_000, maxHeapMb: 64 })
  // Settled together so that neither rejection goes unhandled while close() runs.
  const tasks = Promise.allSettled([pool.run({ do: 'spin' }), pool.run({ do: 'echo', value: 1 })])
  await pool.close()
  const closed = { name: 'ThreadPoolClosedError', code: 'THREAD_POOL_CLOSED', retryable: true, message: 'the thread pool is closed' }
  const [running, queued] = await tasks
  t.match(running, { status: 'rejected', reason: closed }, 'the running task')
  t.match(queued, { status: 'rejected', reason: closed }, 'the queued task')
  await t.rejects(pool.run({ do: 'echo', value: 2 }), closed, 'a task after the close')
})

t.test('the sandbox names the file and the limit; media is only detected', async (t) => {
  const sandbox = new ExtractionSandbox({ timeoutMs: 2_000, maxHeapMb: 64, threads: 2 })
  t.teardown(() => sandbox.close())
  const slow = await largeDocx()
  const [bomb, tooSlow, text, media] = await Promise.allSettled([
    sandbox.analyse(await zipBombDocx(), { filename: 'bomb.docx' }),
    sandbox.analyse(slow, { filename: 'book.docx' }),
    sandbox.analyse(new TextEncoder().encode('Tides follow the moon.'), { filename: 'notes.txt' }),
    sandbox.analyse(makeWav(), { filename: 'talk.wav' }),
  ])
  t.match(bomb, {
    status: 'rejected',
    reason: { name: 'ExtractionError', reason: 'limit', file: 'bomb.docx', message: /^bomb\.docx: DOCX part word\/document\.xml would inflate to/ },
  })
  t.match(tooSlow, {
    status: 'rejected',
    reason: {
      name: 'ExtractionError',
      reason: 'limit',
      message:
        /^book\.docx: reading the file (took longer than the limit of 2,000 ms \(EXTRACT_TIMEOUT_MS\)|needed more memory than the limit of 64 MB \(EXTRACT_MAX_HEAP_MB\)); its extraction thread was stopped$/,
    },
  })
  t.match(text, { status: 'fulfilled', value: { detected: { kind: 'document', format: 'text' }, document: { text: 'Tides follow the moon.' } } })
  t.match(media, { status: 'fulfilled', value: { detected: { kind: 'media', mime: 'audio/wav' } } })
  await t.rejects(sandbox.extractText(makeWav(), { filename: 'talk.wav' }), { name: 'ExtractionError', message: /^talk\.wav: is audio\/wav: audio and video need speech-to-text/ })

  const roomy = new ExtractionSandbox({ timeoutMs: 120_000, maxHeapMb: 48, threads: 1 })
  t.teardown(() => roomy.close())
  const started = Date.now()
  await t.rejects(roomy.analyse(slow, { filename: 'book.docx' }), {
    reason: 'limit',
    message: 'book.docx: reading the file needed more memory than the limit of 48 MB (EXTRACT_MAX_HEAP_MB); its extraction thread was stopped',
  })
  t.comment(`sandbox: ${slow.length}-byte docx stopped at the 48 MB heap limit after ${Date.now() - started} ms`)
})
