/*
 * Planted secrets appear in no response and no log line: an LLM key that the provider echoes
 * in its error, a Redis password containing `@`, and an API token sent where it does not
 * belong, through the example API server and the real worker CLI, both with DEBUG=true.
 */
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { apiRequest, closeHttpAgent, rawRequest } from './support/http-client.js'
import { waitFor } from '@flashcards/test-support'
import { startPrivateRedis } from '@flashcards/test-support/redis'
import { startApiServer, startWorkerCli, tempDir, waitForWorkerStarted } from './support/processes.js'

const TOKEN = `redaction-${randomUUID()}`
const LLM_KEY = `planted-llm-key-${randomUUID()}`
// The tail after the first `@` is what an `@`-naive redaction used to print.
const REDIS_PASSWORD = `Rd@Pw9-${randomUUID().slice(0, 8)}`

t.teardown(closeHttpAgent)

/** An OpenAI-compatible server that refuses every key and echoes it, as some providers do. */
async function echoingProvider() {
  const server = createServer((req, res) => {
    const key = (req.headers.authorization ?? '').replace(/^Bearer /, '')
    req.resume()
    res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `Incorrect API key provided: ${key}` } }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

t.test('an echoed LLM key, a Redis password with @ and a misplaced token reach no response or log', async (t) => {
  const redis = await startPrivateRedis(['--requirepass', REDIS_PASSWORD])
  const provider = await echoingProvider()
  const logs = tempDir('redaction-logs')
  const redisUrl = `redis://:${REDIS_PASSWORD}@127.0.0.1:${redis.port}`
  const env = { REDIS_URL: redisUrl, QUEUE_PREFIX: 'redaction', LOG_DIR: logs.path, DEBUG: 'true' }
  const api = await startApiServer({ ...env, API_TOKENS: `${TOKEN}:tenant-r` })
  const worker = startWorkerCli('orchestrator', {
    ...env,
    LLM_PROVIDER: 'openai-compatible',
    OPENAI_BASE_URL: provider.baseUrl,
    OPENAI_API_KEY: LLM_KEY,
    OPENAI_MODEL: 'echo-model',
  })
  t.teardown(async () => {
    await Promise.all([api.stop(), worker.stop()])
    await Promise.all([redis.stop(), provider.close()])
    logs.remove()
  })
  await waitForWorkerStarted(worker)

  const created = await apiRequest(api.base, 'POST', '/orchestrator/generate-batch', TOKEN, {
    mode: 'single_module',
    target: { course_id: 'course-redact', module_id: 'mod-redact' },
    content: { format: 'markdown', text: '# Badges\n\nVisitors wear a red badge and are escorted at all times inside the building.' },
  })
  t.equal(created.status, 202, 'the job is accepted')
  const jobId = created.body.data.jobs[0].job_id as string
  const failed = await waitFor(
    'the job to fail on the refused key',
    async () => {
      const res = await apiRequest(api.base, 'GET', `/orchestrator/jobs/${jobId}`, TOKEN)
      // The error is checked once it is there (state and error are read in two calls until the status read is atomic).
      return res.body.data?.state === 'failed' && res.body.data.error ? res : undefined
    },
    30_000,
    100,
  )
  t.match(failed.body.data.error, /refused the credentials.*Incorrect API key provided: \[REDACTED\]/, "the job's error says what happened, key redacted")

  // Every route that can carry the job's error or a driver message, plus the token where it does not belong.
  const responses = [
    failed,
    await apiRequest(api.base, 'GET', '/orchestrator/jobs', TOKEN),
    await apiRequest(api.base, 'GET', `/orchestrator/jobs/${jobId}/logs`, TOKEN),
    await apiRequest(api.base, 'GET', `/orchestrator/jobs/${jobId}/events`, TOKEN),
    await apiRequest(api.base, 'GET', `/orchestrator/jobs?key=${TOKEN}`, TOKEN),
    await rawRequest(api.base, 'GET', `/orchestrator/jobs/${TOKEN}`, { headers: { authorization: `Bearer ${TOKEN}` } }),
    await apiRequest(api.base, 'GET', '/orchestrator/health'),
    await apiRequest(api.base, 'GET', '/orchestrator/metrics'),
  ]
  t.equal(responses[2]!.status, 200, 'the job log is served')
  const jobLogFiles = readdirSync(logs.path).map((file) => readFileSync(join(logs.path, file), 'utf8'))
  t.ok(jobLogFiles.length > 0, 'the worker wrote a job log')
  t.ok(worker.output().includes('"level":20'), 'the worker logged at debug level')

  const places: [string, string][] = [
    ...responses.map((res, i): [string, string] => [`response ${i}`, typeof res.body === 'string' ? res.body : JSON.stringify(res.body)]),
    ...jobLogFiles.map((text, i): [string, string] => [`job log file ${i}`, text]),
    ['API server log', api.proc.output()],
    ['worker log', worker.output()],
  ]
  const secrets: [string, string][] = [
    ['the LLM key', LLM_KEY],
    ['the API token', TOKEN],
    ['the Redis password', REDIS_PASSWORD],
    ["the Redis password's tail after @", REDIS_PASSWORD.split('@')[1]!],
  ]
  let leaks = 0
  for (const [place, text] of places) {
    for (const [name, secret] of secrets) {
      if (text.includes(secret)) {
        leaks++
        t.fail(`${name} appears in the ${place}`)
      }
    }
  }
  t.equal(leaks, 0, `no secret in ${places.length} responses, job logs and process logs`)
  t.match(api.proc.output(), /redis:\/\/:\[REDACTED\]@127\.0\.0\.1/, 'the API names its Redis with the password hidden whole')
  t.comment(
    `redaction: places_checked=${places.length} secrets=${secrets.length} leaks=${leaks} api_log_lines=${api.proc.output().split('\n').length} ` +
      `worker_log_lines=${worker.output().split('\n').length}`,
  )
})
