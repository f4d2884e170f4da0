import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { JOB_NAMES } from '@flashcards/queue-core'
import { tenantRoot } from '../src/content/tenant-folders.js'
import { TRANSCRIBE_FILE_JOB } from '../src/transcription/index.js'
import { HTML_PAGE, MARKDOWN, PLAIN_TEXT, SRT, VTT, makeDocx, makePdf, makeWav } from './fixtures/documents.js'
import { fileHandler, geminiHandler, openAiHandler, serve, SPOKEN } from './fixtures/servers.js'
import { loopback, owner, transcriptionHarness as setup } from './fixtures/transcription-harness.js'

t.test('every document type over HTTP becomes a transcript the orchestrator reads', async (t) => {
  const files = await loopback(
    t,
    fileHandler({
      '/respiration.md': { body: MARKDOWN, type: 'text/markdown' },
      '/osmosis.txt': { body: PLAIN_TEXT, type: 'text/plain; charset=utf-8' },
      '/photosynthesis': { body: HTML_PAGE, type: 'text/html' },
      '/lecture.vtt': { body: VTT, type: 'text/vtt' },
      '/captions.srt': { body: SRT, type: 'application/x-subrip' },
      '/plates.pdf': { body: await makePdf(['Continents drift on tectonic plates.']), type: 'application/pdf' },
      '/rocks.docx': { body: await makeDocx('Rock Types', ['Igneous rocks form from cooled magma.']), type: 'application/octet-stream' },
    }),
  )
  const { start, enqueue, finished, contentDir } = await setup(t)
  await start()
  const ids = ['respiration.md', 'osmosis.txt', 'photosynthesis', 'lecture.vtt', 'captions.srt', 'plates.pdf', 'rocks.docx']
  const enqueued = await enqueue(
    'mod-docs',
    ids.map((name) => ({ file_id: name.replace(/\W/g, '-'), url: `${files.url}/${name}` })),
  )
  const job = await finished(enqueued.job_id)
  t.equal(job.failedReason, undefined)
  const result = job.returnvalue
  t.equal(result.transcripts.length, 7)
  t.same(
    result.transcripts.map((r: { file_id: string; format: string; source: string; segments: number }) => [r.file_id, r.source, r.format, r.segments]),
    [
      ['respiration-md', 'markdown', 'md', 0],
      ['osmosis-txt', 'text', 'md', 0],
      ['photosynthesis', 'html', 'md', 0],
      ['lecture-vtt', 'vtt', 'vtt', 3],
      ['captions-srt', 'srt', 'vtt', 3],
      ['plates-pdf', 'pdf', 'md', 0],
      ['rocks-docx', 'docx', 'md', 0],
    ],
  )
  t.equal(result.segments, 6)
  t.equal(
    result.characters,
    result.transcripts.reduce((n: number, r: { characters: number }) => n + r.characters, 0),
  )
  t.equal(result.generation_job, null, 'no chaining unless ENQUEUE_MODULE_JOB_ON_COMPLETE=true')
  const dir = join(tenantRoot(contentDir, owner.tenant), 'course-1', 'mod-docs')
  t.same((await readdir(dir)).sort(), ids.map((n) => `${n.replace(/\W/g, '-')}.transcript.${/vtt|srt/.test(n) ? 'vtt' : 'md'}`).sort(), 'no temporary files left')
  t.match(await readFile(join(dir, 'captions-srt.transcript.vtt'), 'utf8'), /^WEBVTT\n\n00:00:00\.500 --> 00:00:03\.000\nVersion control records changes to files\./)
  t.match(await readFile(join(dir, 'plates-pdf.transcript.md'), 'utf8'), /^# Plate Tectonics\n\nContinents drift on tectonic plates\.\n$/)
  t.notMatch(await readFile(join(dir, 'photosynthesis.transcript.md'), 'utf8'), /newsletter/)
})

t.test('audio through an OpenAI-compatible /v1/audio/transcriptions server keeps its timestamps', async (t) => {
  const files = await loopback(t, fileHandler({ '/talk.wav': { body: makeWav(), type: 'audio/wav' } }))
  const whisper = await loopback(t, openAiHandler())
  const { start, enqueue, finished, contentDir } = await setup(t, { OPENAI_BASE_URL: `${whisper.url}/v1`, OPENAI_API_KEY: 'test-openai-key' })
  await start()
  const job = await finished((await enqueue('mod-audio', [{ file_id: 'talk', url: `${files.url}/talk.wav` }])).job_id)
  t.equal(job.failedReason, undefined)
  t.match(job.returnvalue.transcripts[0], { file_id: 'talk', source: 'audio/wav', format: 'vtt', segments: 2 })
  t.equal(whisper.requests.length, 1)
  t.match(whisper.requests[0]!.body.toString('latin1'), /name="model"\r\n\r\nwhisper-1/)
  t.equal(
    await readFile(join(tenantRoot(contentDir, owner.tenant), 'course-1', 'mod-audio', 'talk.transcript.vtt'), 'utf8'),
    'WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nWelcome to the lecture on tides.\n\n00:00:02.500 --> 00:00:06.000\nThe moon pulls the oceans toward it.\n',
  )
})

t.test('Gemini: small audio inline, large audio through the resumable Files API upload', async (t) => {
  const big = makeWav(600) // 9.6 MB: over the inline limit, and more than one 8 MiB upload chunk
  const files = await loopback(t, fileHandler({ '/short.wav': { body: makeWav(), type: 'audio/wav' }, '/long.wav': { body: big, type: 'audio/wav' } }))
  const state = { uploads: new Map<string, Buffer[]>(), deleted: [] as string[] }
  const gemini = await loopback(t, geminiHandler(state))
  const { start, enqueue, finished } = await setup(t, { GEMINI_API_KEY: 'test-gemini-key', GEMINI_BASE_URL: gemini.url })
  await start()
  const job = await finished(
    (
      await enqueue('mod-gemini', [
        { file_id: 'short', url: `${files.url}/short.wav` },
        { file_id: 'long', url: `${files.url}/long.wav` },
      ])
    ).job_id,
    60_000,
  )
  t.equal(job.failedReason, undefined)
  t.same(
    job.returnvalue.transcripts.map((r: { segments: number }) => r.segments),
    [2, 2],
  )
  t.equal(state.uploads.size, 1, 'only the large file is uploaded')
  const [chunks] = [...state.uploads.values()]
  t.ok(chunks!.length >= 2, 'uploaded in chunks')
  t.same(Buffer.concat(chunks!), Buffer.from(big), 'the uploaded bytes are the file')
  const generate = gemini.requests.filter((r) => r.path.endsWith(':generateContent')).map((r) => JSON.parse(r.body.toString()))
  t.equal(generate.length, 2)
  const parts = generate.flatMap((body) => body.contents[0].parts)
  t.ok(
    parts.some((p: { fileData?: { fileUri: string } }) => p.fileData?.fileUri === 'https://generativelanguage.example/v1beta/files/upload-1'),
    'generateContent references the uploaded file',
  )
  t.ok(
    parts.some((p: { inlineData?: { mimeType: string } }) => p.inlineData?.mimeType === 'audio/wav'),
    'the short file goes inline',
  )
  t.ok(
    gemini.requests.some((r) => r.method === 'GET' && r.path.startsWith('/v1beta/files/upload-1')),
    'waited for processing',
  )
  t.same(state.deleted, ['files/upload-1'], 'the upload is deleted afterwards')
  t.equal(SPOKEN.length, 2)
})

t.test('audio without a speech-to-text provider fails at once, naming the variables to set', async (t) => {
  const files = await loopback(t, fileHandler({ '/talk.wav': { body: makeWav(), type: 'audio/wav' } }))
  const { start, enqueue, finished, queues } = await setup(t)
  await start()
  const job = await finished((await enqueue('mod-nostt', [{ file_id: 'talk', url: `${files.url}/talk.wav` }])).job_id)
  t.match(job.failedReason, /File talk \(http:\/\/127\.0\.0\.1:\d+\/talk\.wav\): speech-to-text is not configured: set GEMINI_API_KEY .* or OPENAI_BASE_URL/)
  const child = await queues.queue('transcription').getJob(`${job.id}-file-0`)
  t.equal(child!.attemptsMade, 1, 'not retried')
})

t.test('failures name the file and the reason; only transient ones are retried', async (t) => {
  let flaky = 0
  const pdf = await makePdf(['A page that will be cut short.'])
  const files = await loopback(t, (req, res) => {
    const path = req.url ?? ''
    if (path === '/flaky.md') {
      flaky++
      if (flaky === 1) return void res.writeHead(503).end('busy')
      return void res.writeHead(200, { 'content-type': 'text/markdown' }).end(MARKDOWN)
    }
    if (path === '/big.txt') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(5000))
    if (path === '/cut.pdf') return void res.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf.slice(0, 400))
    if (path === '/photo.png')
      return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010802000000', 'hex'))
    if (path === '/data.json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    res.writeHead(404).end()
  })
  const closed = await serve(() => {})
  const unreachable = closed.url
  await closed.close()
  const { start, enqueue, finished, queues } = await setup(t)
  await start({ settings: { maxFileBytes: 1000 } })
  const job = await finished(
    (
      await enqueue('mod-bad', [
        { file_id: 'flaky', url: `${files.url}/flaky.md` },
        { file_id: 'missing', url: `${files.url}/missing.pdf` },
        { file_id: 'down', url: `${unreachable}/x.md` },
        { file_id: 'big', url: `${files.url}/big.txt` },
        { file_id: 'cut', url: `${files.url}/cut.pdf` },
        { file_id: 'photo', url: `${files.url}/photo.png` },
        { file_id: 'json', url: `${files.url}/data.json` },
      ])
    ).job_id,
    40_000,
  )
  const reason = job.failedReason ?? ''
  t.match(reason, /^6 of 7 files could not be transcribed/)
  t.match(reason, /File missing \([^)]+\): HTTP 404/)
  t.match(reason, /File down \([^)]+\): unreachable: connection refused/)
  t.match(reason, /File big \([^)]+\): the file is larger than the 1000-byte limit/)
  t.match(reason, /File cut \([^)]+\): corrupt PDF/)
  t.match(reason, /File photo \([^)]+\): unsupported file type image\/png/)
  t.match(reason, /File json \([^)]+\): the server sent content type application\/json/)
  t.notMatch(reason, /File flaky/)
  const children = await Promise.all([0, 1, 2, 3, 4, 5, 6].map((i) => queues.queue('transcription').getJob(`${job.id}-file-${i}`)))
  t.same(
    children.map((c) => c!.attemptsMade),
    [2, 1, 1, 1, 1, 1, 1],
    'the 503 was retried and then succeeded; the rest failed at once',
  )
  t.equal(await children[0]!.getState(), 'completed')
})

t.test('MOCK_FILE_URLS gives deterministic sample content without any network', async (t) => {
  const { start, enqueue, finished, contentDir } = await setup(t, { MOCK_FILE_URLS: 'true' })
  await start()
  const files = [
    { file_id: 'intro', url: 'https://cdn.example.invalid/hr/intro.mp4', mime_type: 'video/mp4' },
    { file_id: 'handbook', url: 'https://cdn.example.invalid/hr/handbook.pdf' },
  ]
  const first = await finished((await enqueue('mod-mock', files)).job_id)
  t.equal(first.failedReason, undefined)
  t.match(first.returnvalue.transcripts, [
    { file_id: 'intro', format: 'vtt', segments: 4 },
    { file_id: 'handbook', format: 'md', segments: 0 },
  ])
  const video = await readFile(join(tenantRoot(contentDir, owner.tenant), 'course-1', 'mod-mock', 'intro.transcript.vtt'), 'utf8')
  const again = await finished((await enqueue('mod-mock-2', files)).job_id)
  t.equal(again.failedReason, undefined)
  t.equal(await readFile(join(tenantRoot(contentDir, owner.tenant), 'course-1', 'mod-mock-2', 'intro.transcript.vtt'), 'utf8'), video, 'same URL, same content')
})

t.test('chaining: two workers finishing the files of a module at once enqueue exactly one generation job', async (t) => {
  const FILES_PER_MODULE = 4
  const MODULES = 3
  // Holds every download until all of them have arrived, then answers them together, so the
  // files of each module finish on both workers at the same moment.
  const waiting: (() => void)[] = []
  const files = await loopback(t, (req, res) => {
    waiting.push(() => res.writeHead(200, { 'content-type': 'text/plain' }).end(`Text of ${req.url}. Tides follow the moon.`))
    if (waiting.length === FILES_PER_MODULE * MODULES) waiting.splice(0).forEach((release) => release())
  })
  const { start, enqueue, finished, queues } = await setup(t, { ENQUEUE_MODULE_JOB_ON_COMPLETE: 'true', WORKER_CONCURRENCY: '6' })
  const a = await start()
  const b = await start()
  const ranOn = new Map<string, string>()
  for (const worker of [a, b]) worker.worker.on('completed', (job) => job.name === TRANSCRIBE_FILE_JOB && ranOn.set(String(job.id), worker.id + String(worker === a)))
  const modules = Array.from({ length: MODULES }, (_, m) => `mod-race-${m}`)
  const jobs = await Promise.all(
    modules.map((module_id) =>
      enqueue(
        module_id,
        Array.from({ length: FILES_PER_MODULE }, (_, f) => ({ file_id: `f${f}`, url: `${files.url}/${module_id}/f${f}.txt` })),
      ),
    ),
  )
  const done = await Promise.all(jobs.map((job) => finished(job.job_id)))
  for (const job of done) t.equal(job.failedReason, undefined)
  t.equal(new Set(ranOn.values()).size, 2, 'both workers transcribed files')
  const generation = await queues.queue('orchestrator').getJobs(['waiting', 'active', 'delayed', 'completed', 'failed'])
  t.equal(generation.length, MODULES, 'one generation job per module')
  for (const module_id of modules) {
    const forModule = generation.filter((job) => job.data.module_id === module_id)
    t.equal(forModule.length, 1, `exactly one generation job for ${module_id}`)
    t.match(forModule[0]!, { name: JOB_NAMES.module, data: { kind: 'module', course_id: 'course-1', owner } })
    const parent = done.find((job) => job.data.module_id === module_id)!
    t.equal(parent.returnvalue.generation_job.job_id, forModule[0]!.id)
  }
})
