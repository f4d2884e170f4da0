/*
 * Absolute server paths never reach a tenant: not in a transcription result, not in a job error
 * (an fs error names the path it failed on), not in the job log the API serves. Operators still
 * see them in the worker's own log.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { fileHandler } from './fixtures/servers.js'
import { loopback, transcriptionHarness } from './fixtures/transcription-harness.js'
import { EXAMPLES_CONTENT, orchestratorHarness } from './orchestrator/harness.js'

async function jobLogs(logDir: string): Promise<string> {
  const names = await readdir(logDir)
  return (await Promise.all(names.map((name) => readFile(join(logDir, name), 'utf8')))).join('\n')
}

t.test('transcription results, errors and job logs carry no server path', async (t) => {
  const files = await loopback(t, fileHandler({ '/notes.txt': { body: 'Tides follow the moon.', type: 'text/plain' } }))
  const h = await transcriptionHarness(t, { JOB_ATTEMPTS: '1' })
  await h.start()
  const done = await h.finished((await h.enqueue('mod-paths', [{ file_id: 'notes', url: `${files.url}/notes.txt` }])).job_id)
  t.match(
    done.returnvalue.transcripts,
    [{ file_id: 'notes', path: 'course-1/mod-paths/notes.transcript.md' }],
    "the transcript path is relative to the tenant's submissions folder",
  )
  // A file where the course folder should be: mkdir fails with an error naming the absolute path.
  await mkdir(join(h.contentDir, '.tenants', 'acme'), { recursive: true })
  await writeFile(join(h.contentDir, '.tenants', 'acme', 'course-blocked'), 'not a folder')
  const blocked = await h.finished((await h.enqueue('mod-blocked', [{ file_id: 'notes', url: `${files.url}/notes.txt` }], undefined, 'course-blocked')).job_id)
  t.equal(await blocked.getState(), 'failed')
  t.match(blocked.failedReason, /File notes \([^)]+\): ENOTDIR: not a directory, mkdir '…\/mod-blocked'/, 'the failure says what happened, with the last segment only')
  const child = await h.queues.queue('transcription').getJob(`${blocked.id}-file-0`)
  const logs = await jobLogs(h.logDir)
  for (const [where, text] of [
    ['result', JSON.stringify(done.returnvalue)],
    ['module error', blocked.failedReason],
    ['file error', child!.failedReason],
    ['job logs', logs],
  ] as const) {
    t.notOk(text.includes(h.contentDir), `no CONTENT_DIR path in the ${where}`)
  }
  t.match(logs, /Transcript of notes written to course-1\/mod-paths\/notes\.transcript\.md/)
  t.comment(`server paths: result_path=${done.returnvalue.transcripts[0].path} error=${JSON.stringify(child!.failedReason)} job_log_bytes=${logs.length} absolute_paths_found=0`)
})

t.test('generation errors from the content directory name the course and module, not the folder', async (t) => {
  const h = await orchestratorHarness(t, { JOB_ATTEMPTS: '1' })
  await h.start()
  const [job] = await h.generate({ mode: 'single_module', target: { course_id: 'no-such-course', module_id: 'm1' } })
  const failed = await h.finished(job!.job_id)
  t.equal(failed.failedReason, "Module m1 of course no-such-course not found: no folder no-such-course/m1 in the shared content or this tenant's submissions")
  t.notOk((await jobLogs(h.logDir)).includes(EXAMPLES_CONTENT), 'nor in the job log')
})
