/*
 * Transcription jobs are cancelled like generation jobs, through the same queue client call the
 * API's DELETE uses: a module job not started yet is removed with its file jobs; one whose files
 * are being transcribed has its running file jobs aborted in the worker, its waiting ones fail
 * before fetching anything, and the module job fails as cancelled. No transcript is written.
 */
import { readdir } from 'node:fs/promises'
import t from 'tap'
import { loopback, owner, transcriptionHarness } from './fixtures/transcription-harness.js'

t.test('a module job whose files are being transcribed is cancelled with its file jobs', async (t) => {
  const held: (() => void)[] = []
  // Downloads are held: the file jobs stay in flight until cancelled.
  const files = await loopback(t, (req, res) => {
    held.push(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('Tides follow the moon.'))
  })
  t.teardown(() => held.forEach((release) => release()))
  const h = await transcriptionHarness(t, { WORKER_CONCURRENCY: '3', JOB_ATTEMPTS: '3' })
  await h.start()
  const job = await h.enqueue(
    'mod-cancel',
    ['a', 'b', 'c', 'd'].map((id) => ({ file_id: id, url: `${files.url}/${id}.txt` })),
  )
  const queue = h.queues.queue('transcription')
  // The module job parks; three of its four files are fetched at once (concurrency 3), the fourth waits.
  for (const deadline = Date.now() + 60_000; files.requests.length < 3; await new Promise((r) => setTimeout(r, 25))) {
    if (Date.now() > deadline) throw new Error(`only ${files.requests.length} downloads started`)
  }
  const cancelledAt = Date.now()
  t.equal(await h.queues.cancel('transcription', job.job_id, 'another-tenant'), undefined, 'another tenant cannot cancel it')
  t.equal(await h.queues.cancel('transcription', job.job_id, owner.tenant), 'cancel_requested', 'running files: the worker is asked to abort')
  const parent = await h.finished(job.job_id)
  const elapsed = Date.now() - cancelledAt
  t.equal(await parent.getState(), 'failed')
  t.equal(parent.failedReason, `Job ${job.job_id} was cancelled`)
  const children = await Promise.all([0, 1, 2, 3].map((i) => queue.getJob(`${job.job_id}-file-${i}`)))
  for (const [i, child] of children.entries()) {
    t.equal(await child!.getState(), 'failed', `file job ${i} failed`)
    t.equal(child!.failedReason, `Job ${child!.id} was cancelled`, `file job ${i} as cancelled`)
    t.equal(child!.attemptsMade, 1, `file job ${i} not retried`)
  }
  t.equal(files.requests.length, 3, 'the waiting file was never fetched')
  t.same(await readdir(h.contentDir), [], 'no transcript written')
  t.ok(elapsed < 15_000, `cancelled within ${elapsed} ms`)
  t.comment(
    `transcription cancel: files=4 running_at_cancel=3 waiting_at_cancel=1 fetched=${files.requests.length} children_cancelled=4 module_job=failed (cancelled) cancel_to_failed_ms=${elapsed} transcripts_written=0`,
  )
})

t.test('a module job that has not started is removed with its file jobs', async (t) => {
  const h = await transcriptionHarness(t)
  const job = await h.enqueue('mod-waiting', [{ file_id: 'a', url: 'https://cdn.example.invalid/a.txt' }])
  t.equal(await h.queues.cancel('transcription', job.job_id, owner.tenant), 'removed')
  t.equal(await h.queues.queue('transcription').getJob(job.job_id), undefined, 'gone')
})
