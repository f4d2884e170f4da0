import t from 'tap'
import { S3Client, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { createJobLogStore } from '../src/job-log/create-store.js'
import { S3JobLogStore } from '../src/job-log/s3-store.js'
import { JobLogCorruptError } from '../src/errors.js'
import { JobLogWriter } from '../src/job-log/writer.js'
import type { JobLogDocument } from '../src/job-log/types.js'
import { S3RVER_CREDENTIALS, startLoopbackS3 } from './job-log-s3-server.js'

// The store gets its credentials from the SDK's default chain, as in production: here, the environment.
process.env.AWS_ACCESS_KEY_ID = S3RVER_CREDENTIALS.accessKeyId
process.env.AWS_SECRET_ACCESS_KEY = S3RVER_CREDENTIALS.secretAccessKey

const s3 = await startLoopbackS3()
t.teardown(() => s3.close())

const store = createJobLogStore({
  logs: { store: 's3', dir: 'unused' },
  s3: { bucket: s3.bucket, region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true },
}) as S3JobLogStore
t.teardown(() => store.close())

const raw = new S3Client({ region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS })
t.teardown(() => raw.destroy())

function doc(jobId: string, overrides: Partial<JobLogDocument> = {}): JobLogDocument {
  return {
    jobId,
    module_id: 'mod-hr-101',
    startedAt: '2025-12-12T00:00:00.000Z',
    completedAt: '2025-12-12T00:01:30.000Z',
    status: 'completed',
    entries: [{ timestamp: '2025-12-12T00:00:00.000Z', level: 'info', step: 'job_start', message: 'Job started for module mod-hr-101', attempt: 1 }],
    rawOutputs: { stageA: { concepts: ['onboarding'] } },
    result: { cards: [{ front: 'Q', back: 'A' }] },
    attempt: 1,
    queue: 'orchestrator',
    course_id: 'course-hr-2025',
    tenant: 'acme',
    error: null,
    ...overrides,
  }
}

async function objectText(key: string): Promise<string> {
  const response = await raw.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))
  return (await response.Body?.transformToString()) ?? ''
}

t.test('createJobLogStore selects S3 from the config', async (t) => {
  t.ok(store instanceof S3JobLogStore)
  t.equal(store.kind, 's3')
  t.throws(
    () => createJobLogStore({ logs: { store: 's3', dir: 'x' }, s3: { bucket: undefined, region: 'us-east-1', endpoint: undefined, forcePathStyle: false } }),
    /LOG_STORE=s3 needs S3_BUCKET/,
  )
})

t.test('write puts the runbook document at logs/{jobId}.json; read returns it', async (t) => {
  const written = doc('job-s3-write')
  await store.write(written)
  const stored = JSON.parse(await objectText('logs/job-s3-write.json'))
  t.same(stored, written, 'the object is the document, as JSON')
  t.same(Object.keys(stored).slice(0, 8), ['jobId', 'module_id', 'startedAt', 'completedAt', 'status', 'entries', 'rawOutputs', 'result'], 'runbook fields first, in its order')
  t.same(await store.read('job-s3-write'), written)
  t.equal(store.locationOf('job-s3-write'), `s3://${s3.bucket}/logs/job-s3-write.json`)
})

t.test('a missing log reads as undefined and has no link', async (t) => {
  t.equal(await store.read('job-s3-missing'), undefined)
  t.equal(await store.link('job-s3-missing', 60), undefined)
})

t.test('overwrite replaces the whole object', async (t) => {
  await store.write(doc('job-s3-over', { status: 'running', completedAt: null, result: null }))
  await store.write(doc('job-s3-over', { status: 'failed', error: 'boom', attempt: 2 }))
  const back = await store.read('job-s3-over')
  t.equal(back?.status, 'failed')
  t.equal(back?.error, 'boom')
  t.equal(back?.attempt, 2)
})

t.test('a presigned link downloads the log with plain fetch and carries its expiry', async (t) => {
  await store.write(doc('job-s3-link'))
  const link = await store.link('job-s3-link', 900)
  t.ok(link)
  const url = new URL(link as string)
  t.equal(url.origin, s3.endpoint)
  t.equal(url.pathname, `/${s3.bucket}/logs/job-s3-link.json`)
  t.equal(url.searchParams.get('X-Amz-Expires'), '900')
  t.ok(url.searchParams.get('X-Amz-Signature'), 'signed')
  const response = await fetch(url)
  t.equal(response.status, 200)
  t.same(await response.json(), doc('job-s3-link'))

  t.equal(url.searchParams.get('X-Amz-Algorithm'), 'AWS4-HMAC-SHA256')
  t.match(url.searchParams.get('X-Amz-Credential'), /^S3RVER\/\d{8}\/us-east-1\/s3\/aws4_request$/, 'signed with the default chain (environment) credentials')
  // s3rver checks the access key and the expiry, not the SigV4 signature itself: an unknown key is refused.
  const foreign = new URL(url)
  foreign.searchParams.set('X-Amz-Credential', (url.searchParams.get('X-Amz-Credential') as string).replace('S3RVER', 'NOBODY'))
  t.equal((await fetch(foreign)).status, 403)
})

t.test('an expired link is refused by the server', async (t) => {
  await store.write(doc('job-s3-expiry'))
  const link = (await store.link('job-s3-expiry', 1)) as string
  t.equal(new URL(link).searchParams.get('X-Amz-Expires'), '1')
  const deadline = Date.now() + 10_000
  let status = 200
  while (Date.now() < deadline) {
    const response = await fetch(link)
    status = response.status
    const body = await response.text()
    if (status === 403) {
      t.match(body, /Request has expired/)
      break
    }
    t.equal(status, 200, 'valid until it expires')
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  t.equal(status, 403, 'refused once expired')
})

t.test('link lifetimes outside 1 s – 7 days are refused', async (t) => {
  await t.rejects(store.link('job-s3-link', 0), /from 1 to 604800 seconds/)
  await t.rejects(store.link('job-s3-link', 604_801), /from 1 to 604800 seconds/)
  await t.rejects(store.link('job-s3-link', 1.5), RangeError)
})

t.test('job ids that are not plain ids never reach S3', async (t) => {
  for (const bad of ['../secrets', 'a/b', '', 'x'.repeat(129), 'a.json']) {
    await t.rejects(store.read(bad), { code: 'VALIDATION_ERROR' }, JSON.stringify(bad))
    await t.rejects(store.write(doc(bad)), { code: 'VALIDATION_ERROR' })
  }
})

t.test('an object that is not a job log is reported, naming where it is', async (t) => {
  await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'logs/job-s3-corrupt.json', Body: '{"jobId": "job-s3-corrupt", "stat' }))
  await t.rejects(store.read('job-s3-corrupt'), JobLogCorruptError)
  await t.rejects(store.read('job-s3-corrupt'), new RegExp(`s3://${s3.bucket}/logs/job-s3-corrupt.json is not a valid job log: not JSON`))
})

t.test('the writer keeps earlier attempts on S3 and replaces a re-run attempt', async (t) => {
  const target = { jobId: 'job-s3-attempts', queue: 'orchestrator' as const, module_id: 'm1', course_id: 'c1', tenant: 'acme' }
  const first = await JobLogWriter.open(store, { ...target, attempt: 1 })
  first.entry('info', 'job_start', 'attempt one')
  await first.finish('failed', { error: new Error('rate limited') })
  for (const run of ['first run', 'stalled re-run']) {
    const second = await JobLogWriter.open(store, { ...target, attempt: 2 })
    second.entry('info', 'job_start', `attempt two, ${run}`)
    await second.finish('completed', { result: { cards: 3 } })
  }
  const back = await store.read('job-s3-attempts')
  t.same(
    back?.entries.map((e) => [e.attempt, e.message]),
    [
      [1, 'attempt one'],
      [2, 'attempt two, stalled re-run'],
    ],
  )
  t.equal(back?.status, 'completed')
  t.equal(back?.error, null)
})

t.test('a store error names the bucket and key', async (t) => {
  const wrong = new S3JobLogStore({ bucket: 'no-such-bucket', endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1' })
  t.teardown(() => wrong.close())
  await t.rejects(wrong.write(doc('job-s3-nobucket')), /Could not write job log s3:\/\/no-such-bucket\/logs\/job-s3-nobucket.json: NoSuchBucket/)
})
