// s3:// file URLs through the real AWS SDK against an S3-compatible server on loopback.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { FlashcardQueues, loadConfig } from '@flashcards/queue-core'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'
import { S3RVER_CREDENTIALS, startLoopbackS3 } from '../../queue-core/test/job-log-s3-server.js'
import { createLogger } from '../src/runtime/index.js'
import { tenantRoot } from '../src/content/tenant-folders.js'
import { startTranscriptionWorker } from '../src/transcription/index.js'
import { VTT } from './fixtures/documents.js'

const owner = { tenant: 'acme', principal: 'tester' }

t.test('a module file on S3 is downloaded and transcribed; a missing object fails naming the file; other buckets are refused', async (t) => {
  const s3 = await startLoopbackS3('course-media')
  // The worker's S3 client takes credentials from the SDK's default chain, as in production.
  process.env.AWS_ACCESS_KEY_ID = S3RVER_CREDENTIALS.accessKeyId
  process.env.AWS_SECRET_ACCESS_KEY = S3RVER_CREDENTIALS.secretAccessKey
  const prefix = uniquePrefix('transcription-s3')
  const contentDir = await mkdtemp(join(tmpdir(), 'fc-s3-transcripts-'))
  const config = loadConfig({
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    CONTENT_DIR: contentDir,
    S3_ENDPOINT: s3.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    // With S3_ALLOWED_BUCKETS unset, S3_BUCKET's bucket is the only one s3:// URLs may name.
    S3_BUCKET: 'course-media',
    JOB_ATTEMPTS: '1',
  })
  const queues = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: prefix, jobAttempts: 1 })
  const logger = createLogger({ name: 'transcription-s3-test', debug: false, destination: { write: () => {} } })
  const worker = await startTranscriptionWorker({ config, logger, tuning: { drainDelay: 1 } })
  t.teardown(async () => {
    await worker.close()
    await queues.close()
    await deletePrefix(prefix)
    await rm(contentDir, { recursive: true, force: true })
    await s3.close()
  })

  const client = new S3Client({ region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS })
  await client.send(new PutObjectCommand({ Bucket: 'course-media', Key: 'hr/week 1/lecture.vtt', Body: VTT, ContentType: 'text/vtt' }))
  // A bucket the worker's credentials can read too, but no course file may come from.
  await client.send(new CreateBucketCommand({ Bucket: 'payroll-exports' }))
  await client.send(new PutObjectCommand({ Bucket: 'payroll-exports', Key: 'salaries.vtt', Body: VTT, ContentType: 'text/vtt' }))
  client.destroy()

  const finished = async (jobId: string) => {
    const deadline = Date.now() + 20_000
    for (;;) {
      const state = await queues.queue('transcription').getJobState(jobId)
      if (state === 'completed' || state === 'failed') return (await queues.queue('transcription').getJob(jobId))!
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${state}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  const ok = await queues.enqueueTranscription(
    { module_id: 'mod-s3', course_id: 'course-1', files: [{ file_id: 'lecture', url: 's3://course-media/hr/week%201/lecture.vtt' }] },
    owner,
  )
  const done = await finished(ok.job_id)
  t.equal(await done.getState(), 'completed', done.failedReason)
  const transcript = await readFile(join(tenantRoot(contentDir, owner.tenant), 'course-1', 'mod-s3', 'lecture.transcript.vtt'), 'utf8')
  t.match(transcript, /-->/, 'the transcript keeps its timestamps')
  t.match(done.returnvalue, { transcripts: [{ file_id: 'lecture', format: 'vtt' }] })

  const missing = await queues.enqueueTranscription(
    { module_id: 'mod-s3-missing', course_id: 'course-1', files: [{ file_id: 'gone', url: 's3://course-media/hr/nothing-here.vtt' }] },
    owner,
  )
  const failed = await finished(missing.job_id)
  t.equal(await failed.getState(), 'failed')
  t.match(failed.failedReason, /File gone \(s3:\/\/course-media\/hr\/nothing-here\.vtt\): S3 NoSuchKey \(HTTP 404\)/)

  const other = await queues.enqueueTranscription(
    { module_id: 'mod-s3-other', course_id: 'course-1', files: [{ file_id: 'salaries', url: 's3://payroll-exports/salaries.vtt' }] },
    owner,
  )
  const refused = await finished(other.job_id)
  t.equal(await refused.getState(), 'failed', 'an object of another bucket is not read, though the credentials could')
  t.comment(
    `s3 allowlist: allowed=course-media (S3_BUCKET, S3_ALLOWED_BUCKETS unset) allowed_object=${await done.getState()} other_bucket=payroll-exports refused=${await refused.getState()} attempts=${refused.attemptsMade}`,
  )
  t.match(
    refused.failedReason,
    /File salaries \(s3:\/\/payroll-exports\/salaries\.vtt\): S3 bucket payroll-exports is not one this worker may read: s3:\/\/ URLs may name only the buckets in S3_ALLOWED_BUCKETS/,
  )
})
