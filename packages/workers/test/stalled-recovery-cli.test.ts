// STALLED_INTERVAL_MS / LOCK_DURATION_MS through the real CLI: a worker killed mid-job has its job
// finished by another worker within the configured window (the runbook's default is 30 s), and the
// killed attempt leaves its start in the job log, which the next attempt reports as lost.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { FlashcardQueues, type JobLogDocument } from '@flashcards/queue-core'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'
import { startProcess, tailOf, waitFor, type ManagedProcess } from '@flashcards/test-support'
import { fakeOpenAi, modelAnswer } from '@flashcards/test-support/llm'

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url))

t.test('a job whose worker is killed runs again on another worker after STALLED_INTERVAL_MS', async (t) => {
  let hang = true
  const fake = await fakeOpenAi((request) => (hang ? { kind: 'hang' } : { kind: 'answer', text: modelAnswer(request) }))
  const prefix = uniquePrefix('stalled-cli')
  const logDir = await mkdtemp(join(tmpdir(), 'fc-stalled-'))
  const queues = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: prefix })
  const workers: ManagedProcess[] = []
  const startWorker = () => {
    const worker = startProcess(`orchestrator ${workers.length + 1}`, process.execPath, [CLI, 'orchestrator'], {
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      LLM_PROVIDER: 'openai-compatible',
      OPENAI_BASE_URL: `${fake.url}/v1`,
      OPENAI_MODEL: 'test-model',
      STALLED_INTERVAL_MS: '1000',
      LOCK_DURATION_MS: '2000',
      LOG_DIR: logDir,
    })
    workers.push(worker)
    return worker
  }
  t.teardown(async () => {
    // No grace: a worker whose job hangs on the fake provider would only wait for it.
    await Promise.all(workers.map((worker) => worker.stop(0)))
    await fake.close()
    await queues.close()
    await deletePrefix(prefix)
    await rm(logDir, { recursive: true, force: true })
  })
  const first = startWorker()
  const [job] = await queues.enqueueGeneration(
    {
      mode: 'single_module',
      target: { course_id: 'c', module_id: 'm-crash' },
      content: { format: 'markdown', text: '# Tides\n\nA tide is the regular rise and fall of the sea caused by the pull of the moon.' },
    },
    { tenant: 'acme', principal: 'ops' },
  )
  await waitFor('the job to be active on the first worker', async () => (await queues.getJob('orchestrator', job!.job_id, 'acme'))?.state === 'active', 15_000, 100).catch(
    (err: Error) => {
      throw new Error(`${err.message}\n${tailOf(first)}`)
    },
  )
  await waitFor('the provider call to be in flight', async () => fake.requests.length > 0, 10_000, 100)
  first.signal('SIGKILL')
  await first.exited
  const readLog = async () => JSON.parse(await readFile(join(logDir, `${job!.job_id}.json`), 'utf8')) as JobLogDocument
  const crashed = await readLog()
  hang = false
  const killedAt = Date.now()
  startWorker()
  // With the 30 s default this would not finish within the window below.
  await waitFor('the job to complete on the second worker', async () => (await queues.getJob('orchestrator', job!.job_id, 'acme'))?.state === 'completed', 12_000, 100)
  const recoveredMs = Date.now() - killedAt
  t.comment(`recovered ${recoveredMs} ms after kill -9 (STALLED_INTERVAL_MS=1000, LOCK_DURATION_MS=2000)`)
  const status = await queues.getJob('orchestrator', job!.job_id, 'acme')
  t.ok((status?.result as { cards: unknown[] }).cards.length > 0, 'the recovered job produced cards')
  t.ok(recoveredMs < 12_000)
  checkAttemptTrace(t, crashed, await readLog(), first.pid)
})

/** The killed attempt's start was in the log when it died; the next attempt's log reports it lost. */
function checkAttemptTrace(t: Test, crashed: JobLogDocument, recovered: JobLogDocument, killedPid: number): void {
  t.equal(crashed.status, 'running', 'the killed attempt left its log behind, still running')
  t.match(crashed.entries, [{ step: 'job_start', attempt: 1, data: { worker: new RegExp(`:${killedPid}$`) } }], 'with an "attempt started" record naming the killed worker')
  const steps = recovered.entries.map((entry) => `${entry.attempt}:${entry.step}`)
  t.same(
    steps.filter((step) => /job_start|attempt_lost|job_complete/.test(step)),
    ['1:job_start', '2:job_start', '2:attempt_lost', '2:job_complete'],
    'the log shows both attempts',
  )
  const lost = recovered.entries.find((entry) => entry.step === 'attempt_lost')!
  t.match(lost.message, new RegExp(`^Attempt 1 \\(started [^)]+ on worker [^ ]+:${killedPid}\\) left no outcome: its worker stopped mid-attempt`))
  t.comment(`crashed attempt trace: entries_after_kill=${crashed.entries.length} (job_start of attempt 1 on pid ${killedPid}) log_after_recovery=${steps.join(',')}`)
}
