import { fileURLToPath } from 'node:url'
import t from 'tap'
import { startProcess, waitFor, type ManagedProcess } from '@flashcards/test-support'
import { fakeOpenAi, modelAnswer } from '@flashcards/test-support/llm'
import { orchestratorHarness } from './orchestrator/harness.js'

const WORKERS_DIR = fileURLToPath(new URL('..', import.meta.url))

const lesson = (n: number) => `# Lesson ${n}\n\n## Part\n\nRule ${n} is the rule that applies to case number ${n} of the handbook.`

t.test('JOB_TIMEOUT_MS aborts the in-flight provider call and fails the attempt', async (t) => {
  const fake = await fakeOpenAi(() => ({ kind: 'hang' }))
  t.teardown(() => fake.close())
  const h = await orchestratorHarness(t, {
    LLM_PROVIDER: 'openai-compatible',
    OPENAI_BASE_URL: `${fake.url}/v1`,
    OPENAI_MODEL: 'slow',
    JOB_TIMEOUT_MS: '1000',
    JOB_ATTEMPTS: '1',
  })
  await h.start()
  const [enqueued] = await h.generate({ mode: 'single_module', target: { course_id: 'c', module_id: 'm-slow' }, content: { format: 'markdown', text: lesson(1) } })
  const job = await h.finished(enqueued!.job_id)
  t.equal(await job.getState(), 'failed')
  t.match(job.failedReason, /timed out after 1000 ms \(JOB_TIMEOUT_MS\)/)
  await waitFor('the server to see the request aborted', () => fake.aborted === fake.requests.length && fake.requests.length > 0, 5_000)
  t.ok(fake.aborted >= 1, 'the HTTP request to the provider was aborted, not abandoned')
})

t.test('two worker processes share one queue: each job runs once; SIGTERM drains and exits 0', async (t) => {
  const fake = await fakeOpenAi((request) => ({ kind: 'answer', text: modelAnswer(request) }))
  t.teardown(() => fake.close())
  const h = await orchestratorHarness(t)
  const env = {
    REDIS_URL: h.config.redis.url,
    QUEUE_PREFIX: h.prefix,
    LOG_DIR: h.logDir,
    WORKER_CONCURRENCY: '1',
    LLM_PROVIDER: 'openai-compatible',
    OPENAI_BASE_URL: `${fake.url}/v1`,
    OPENAI_MODEL: 'shared',
  }
  const processes = [0, 1].map((i) =>
    startProcess(`orchestrator w${i}`, process.execPath, ['--import', 'tsx', 'src/cli.ts', 'orchestrator'], { ...env, WORKER_ID: `w${i}` }, WORKERS_DIR),
  )
  t.teardown(() => Promise.all(processes.map((proc) => proc.stop())))
  // The complete log lines (pino's JSON) of a process, leaving out whatever else it printed.
  const logLines = (proc: ManagedProcess) =>
    proc
      .output()
      .split('\n')
      .slice(0, -1)
      .filter((line) => line.startsWith('{'))
  // Two processes compiling TypeScript with tsx start slowly on a loaded CI machine.
  await waitFor('both workers to beat', async () => (await h.queues.aliveWorkers()).filter((beat) => beat.queue === 'orchestrator').length === 2, 120_000)

  const jobIds: string[] = []
  for (let n = 0; n < 8; n++) {
    const [job] = await h.generate({ mode: 'single_module', target: { course_id: 'c', module_id: `m-${n}` }, content: { format: 'markdown', text: lesson(n) } })
    jobIds.push(job!.job_id)
  }
  for (const id of jobIds) t.equal(await (await h.finished(id, 30_000)).getState(), 'completed', `job ${id} completed`)

  const started = processes.map((proc) =>
    logLines(proc)
      .map((line) => JSON.parse(line) as { msg: string; jobId?: string })
      .filter((entry) => entry.msg === 'job started')
      .map((entry) => entry.jobId!),
  )
  const all = started.flat()
  t.same([...all].sort(), [...jobIds].sort(), 'every job started exactly once across both processes')
  t.ok(
    started.every((ids) => ids.length > 0),
    `both processes took jobs (${started.map((ids) => ids.length).join(' + ')})`,
  )
  // One log shape: the process's name once, the job's as job_name, an ISO time.
  const startLines = processes.flatMap((proc) => logLines(proc).filter((line) => line.includes('"msg":"job started"')))
  t.ok(
    startLines.every((line) => line.match(/"name":/g)?.length === 1 && /"job_name":"generate-module"/.test(line) && /"time":"\d{4}-\d\d-\d\dT[^"]+Z"/.test(line)),
    startLines[0] ?? 'no job started line',
  )

  for (const proc of processes) proc.signal('SIGTERM')
  const codes = await Promise.all(processes.map(async (proc) => (await proc.exited).code))
  t.same(codes, [0, 0], 'graceful shutdown exits 0')
  t.same(
    (await h.queues.aliveWorkers()).filter((beat) => beat.queue === 'orchestrator'),
    [],
    'heartbeats removed on shutdown',
  )
})
