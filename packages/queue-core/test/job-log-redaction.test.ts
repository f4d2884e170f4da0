import t, { type Test } from 'tap'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { createJobLogStore } from '../src/job-log/create-store.js'
import { REDACTED } from '../src/job-log/redact.js'
import type { S3JobLogStore } from '../src/job-log/s3-store.js'
import type { JobLogStore } from '../src/job-log/types.js'
import { JobLogWriter } from '../src/job-log/writer.js'
import { S3RVER_CREDENTIALS, startLoopbackS3 } from './job-log-s3-server.js'

/*
 * Plants one of each kind of secret in what a worker logs — the job's data, the LLM's raw output,
 * the error it fails with — writes the log through the real stores, and looks for every secret in
 * the bytes that reached the disk and the S3 server.
 */

const SECRETS = {
  googleKey: 'AIzaSyD-planted-google-key-0123456789abc',
  awsAccessKey: 'AKIAPLANTEDKEY123456',
  awsSessionKey: 'ASIAPLANTEDKEY654321',
  awsSecret: 'planted/aws+secret/access/key/0000000000',
  bearer: 'planted-bearer-token-4242',
  redisPassword: 'planted-redis-password',
  apiKey: 'planted-api-key-value',
  password: 'planted-password-value',
  token: 'planted-session-token',
  clientSecret: 'planted-client-secret',
  cookie: 'planted-cookie-value',
  openaiKey: 'sk-plantedopenaikey0123456789abcdef',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.cGxhbnRlZHNpZw',
  privateKeyBody: 'MIIEplantedPRIVATEkeyBODY0123456789',
}

const jobData = {
  kind: 'module',
  module_id: 'mod-hr-101',
  course_id: 'course-hr-2025',
  owner: { tenant: 'acme', principal: 'alice' },
  content: { format: 'text', text: `Onboarding notes. Wi-Fi password=${SECRETS.password}; staging key ${SECRETS.googleKey}` },
  source: { url: `redis://:${SECRETS.redisPassword}@cache.internal:6379/0`, headers: { Authorization: `Bearer ${SECRETS.bearer}`, Cookie: `sid=${SECRETS.cookie}` } },
  settings: { apiKey: SECRETS.apiKey, client_secret: SECRETS.clientSecret, nested: [{ token: SECRETS.token }] },
}

const llmOutput = {
  stageA: `Concepts: onboarding, payroll. Debug: AWS_ACCESS_KEY_ID=${SECRETS.awsAccessKey} aws_secret_access_key=${SECRETS.awsSecret}`,
  stageB: {
    cards: [{ front: 'What is onboarding?', back: `Joining a company. ${SECRETS.openaiKey}` }],
    raw: `-----BEGIN RSA PRIVATE KEY-----\n${SECRETS.privateKeyBody}\n-----END RSA PRIVATE KEY-----`,
    session: `temporary ${SECRETS.awsSessionKey}`,
    jwt: SECRETS.jwt,
  },
}

function failure(): Error {
  const cause = new Error(`connect to redis://:${SECRETS.redisPassword}@cache.internal:6379 refused`)
  const error = new Error(`Gemini returned 403 for ?key=${SECRETS.googleKey} (Authorization: Bearer ${SECRETS.bearer})`, { cause }) as Error & Record<string, unknown>
  error.config = { headers: { 'x-goog-api-key': SECRETS.googleKey }, password: SECRETS.password }
  return error
}

async function writeJobLog(store: JobLogStore, jobId: string): Promise<void> {
  const target = { jobId, queue: 'orchestrator' as const, module_id: 'mod-hr-101', course_id: 'course-hr-2025', tenant: 'acme' }
  const first = await JobLogWriter.open(store, { ...target, attempt: 1 })
  first.entry('info', 'job_start', `Job started for module mod-hr-101 with ${JSON.stringify(jobData)}`, { job: jobData })
  first.rawOutput('stageA', llmOutput.stageA)
  first.entry('error', 'llm_call', `LLM call failed: ${failure().message}`, { err: failure() })
  await first.finish('failed', { error: failure() })

  const second = await JobLogWriter.open(store, { ...target, attempt: 2 })
  second.entry('info', 'stage_b', 'cards generated', { usage: { inputTokens: 1200 } })
  second.rawOutput('stageB', llmOutput.stageB)
  await second.finish('completed', { result: { cards: llmOutput.stageB.cards, echo: jobData } })
}

function assertClean(t: Test, where: string, bytes: string): void {
  for (const [kind, secret] of Object.entries(SECRETS)) t.notOk(bytes.includes(secret), `${where}: no ${kind}`)
  t.ok(bytes.includes(REDACTED), `${where}: secrets were replaced`)
  // What is not secret survives, so the log is still useful (and the check above is not vacuous).
  for (const kept of ['Job started for module mod-hr-101', 'What is onboarding?', 'cache.internal:6379', 'inputTokens', 'Concepts: onboarding, payroll']) {
    t.ok(bytes.includes(kept), `${where}: keeps ${JSON.stringify(kept)}`)
  }
}

t.test('no planted secret reaches a local log file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fc-joblog-redaction-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const store = createJobLogStore({ logs: { store: 'local', dir: dir }, s3: { bucket: undefined, region: 'us-east-1', endpoint: undefined, forcePathStyle: false } })
  await writeJobLog(store, 'job-redaction-local')
  const files = await readdir(dir)
  t.same(files, ['job-redaction-local.json'])
  assertClean(t, 'local file', await readFile(join(dir, 'job-redaction-local.json'), 'utf8'))
  const doc = await store.read('job-redaction-local')
  t.same(
    doc?.entries.map((e) => e.attempt),
    [1, 1, 2],
    'both attempts are in the log',
  )
})

t.test('no planted secret reaches S3', async (t) => {
  const s3 = await startLoopbackS3()
  t.teardown(() => s3.close())
  process.env.AWS_ACCESS_KEY_ID = S3RVER_CREDENTIALS.accessKeyId
  process.env.AWS_SECRET_ACCESS_KEY = S3RVER_CREDENTIALS.secretAccessKey
  const store = createJobLogStore({
    logs: { store: 's3', dir: 'unused' },
    s3: { bucket: s3.bucket, region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true },
  }) as S3JobLogStore
  t.teardown(() => store.close())
  await writeJobLog(store, 'job-redaction-s3')

  assertClean(t, 's3rver storage', await s3.storedBytes())
  const raw = new S3Client({ region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS })
  t.teardown(() => raw.destroy())
  const object = await raw.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'logs/job-redaction-s3.json' }))
  assertClean(t, 'GetObject', (await object.Body?.transformToString()) ?? '')
  const link = await store.link('job-redaction-s3', 60)
  assertClean(t, 'presigned download', await (await fetch(link as string)).text())
})
