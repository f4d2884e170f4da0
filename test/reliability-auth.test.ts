/*
 * Authentication and tenancy on the example API server process: every route but the public
 * health and metrics answers 401 without a valid bearer token; another tenant's token gets 404 on
 * every job route, exactly as for a job that does not exist, and changes nothing; static tokens
 * are compared in constant time.
 */
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { apiRequest, closeHttpAgent, percentile, rawRequest, type ApiResponse } from './support/http-client.js'
import { ROOT, waitFor } from '@flashcards/test-support'
import { startApiServer, startWorkerCli, tempDir, waitForWorkerStarted } from './support/processes.js'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

const TOKEN_A = `tenant-a-${randomUUID()}`
const TOKEN_B = `tenant-b-${randomUUID()}`

t.teardown(closeHttpAgent)

t.test('401 without a valid token, 404 for another tenant on every job route, constant-time token checks', async (t) => {
  const prefix = uniquePrefix('reliability-auth')
  const logs = tempDir('logs')
  const env = { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, LOG_DIR: logs.path }
  const api = await startApiServer({ ...env, API_TOKENS: `${TOKEN_A}:tenant-a,${TOKEN_B}:tenant-b` })
  const worker = startWorkerCli('orchestrator', { ...env, LLM_PROVIDER: 'offline' })
  t.teardown(async () => {
    await Promise.all([api.stop(), worker.stop()])
    await deletePrefix(prefix)
    logs.remove()
  })
  await waitForWorkerStarted(worker)

  // Tenant A's jobs: a completed generation job (with its log) and a waiting transcription job.
  const created = await apiRequest(api.base, 'POST', '/orchestrator/generate-batch', TOKEN_A, {
    mode: 'single_module',
    target: { course_id: 'course-auth', module_id: 'mod-auth' },
    settings: { target_card_count: 2 },
    content: { format: 'markdown', text: '# Access\n\n## Badges\n\nVisitors wear a red badge and are escorted at all times inside the building.' },
  })
  t.equal(created.status, 202, 'tenant A enqueues a generation job')
  const jobId = created.body.data.jobs[0].job_id as string
  await waitFor('tenant A job to complete', async () => (await apiRequest(api.base, 'GET', `/orchestrator/jobs/${jobId}`, TOKEN_A)).body.data?.state === 'completed', 30_000, 100)
  const transcription = await apiRequest(api.base, 'POST', '/transcription/jobs', TOKEN_A, {
    module_id: 'mod-auth',
    course_id: 'course-auth',
    files: [{ file_id: 'intro', url: 'https://cdn.example.com/intro.txt' }],
  })
  t.equal(transcription.status, 202, 'tenant A enqueues a transcription job')
  const transcriptionId = transcription.body.data.job_id as string

  const jobRoutes: [string, string][] = [
    ['GET', `/orchestrator/jobs/${jobId}`],
    ['DELETE', `/orchestrator/jobs/${jobId}`],
    ['POST', `/orchestrator/jobs/${jobId}/retry`],
    ['GET', `/orchestrator/jobs/${jobId}/logs`],
    ['GET', `/orchestrator/jobs/${jobId}/events`],
    ['GET', `/transcription/jobs/${transcriptionId}`],
    ['GET', `/transcription/jobs/${transcriptionId}/events`],
  ]
  const protectedRoutes: [string, string, unknown?][] = [
    ['POST', '/orchestrator/generate-batch', { mode: 'course', target: { course_id: 'course-auth' } }],
    ['GET', '/orchestrator/jobs'],
    ['POST', '/transcription/jobs', { module_id: 'm', course_id: 'c', files: [{ file_id: 'f', url: 'https://cdn.example.com/f.txt' }] }],
    ...jobRoutes,
  ]

  // 1. No token, a wrong token, a malformed header: 401 on every protected route, nothing done.
  const badCredentials: [string, Record<string, string>][] = [
    ['no Authorization header', {}],
    ['a wrong token', { authorization: `Bearer ${TOKEN_A.replace(/.$/, (c) => (c === 'x' ? 'y' : 'x'))}` }],
    ['Basic credentials', { authorization: 'Basic dGVuYW50LWE6c2VjcmV0' }],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ]
  let unauthorised = 0
  for (const [method, path, body] of protectedRoutes) {
    for (const [label, headers] of badCredentials) {
      const res = await rawRequest(api.base, method, path, {
        headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      })
      t.equal(res.status, 401, `${method} ${path.replace(/[0-9a-f-]{36}/, ':id')} with ${label} → 401`)
      if (res.status === 401) unauthorised++
      t.equal(res.headers['www-authenticate'], 'Bearer realm="flashcards"', 'with a WWW-Authenticate challenge')
    }
  }
  for (const path of ['/orchestrator/health', '/orchestrator/metrics']) {
    const res = await rawRequest(api.base, 'GET', path)
    t.not(res.status, 401, `${path} is public in the example server (publicHealth/publicMetrics)`)
  }

  // 2. Tenant B on tenant A's jobs: the same 404 as a job that does not exist.
  const missing = randomUUID()
  let crossTenant404 = 0
  for (const [method, path] of jobRoutes) {
    const asB = await apiRequest(api.base, method, path, TOKEN_B)
    const forMissing = await apiRequest(api.base, method, path.replace(/[0-9a-f-]{36}/, missing), TOKEN_B)
    t.equal(asB.status, 404, `tenant B: ${method} ${path.replace(/[0-9a-f-]{36}/, ':id')} → 404`)
    if (asB.status === 404) crossTenant404++
    t.same({ status: asB.status, code: asB.body.error?.code }, { status: forMissing.status, code: forMissing.body.error?.code }, 'indistinguishable from a job that does not exist')
  }
  // The queue dashboard shows every tenant's jobs: without DASHBOARD_TENANT it is not served at all.
  const dashboardOrigin = api.base.replace(/\/api\/flashcards$/, '')
  for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
    for (const token of [TOKEN_A, TOKEN_B]) {
      const res = await rawRequest(dashboardOrigin, 'GET', path, { headers: { authorization: `Basic ${Buffer.from(`ops:${token}`).toString('base64')}` } })
      t.equal(res.status, 404, `${path} is off without DASHBOARD_TENANT (${token === TOKEN_A ? 'A' : 'B'}'s token)`)
    }
  }
  const listB = await apiRequest(api.base, 'GET', '/orchestrator/jobs', TOKEN_B)
  t.same(listB.body.data.items, [], "tenant B's list does not show tenant A's jobs")
  const asA = await apiRequest(api.base, 'GET', `/orchestrator/jobs/${jobId}`, TOKEN_A)
  t.equal(asA.body.data.state, 'completed', "tenant B's cancel and retry changed nothing: A's job is still completed")
  t.equal(asA.body.data.attempts_made, 1, 'and was not run again')
  t.equal((await apiRequest(api.base, 'GET', `/orchestrator/jobs/${jobId}/logs`, TOKEN_A)).status, 200, 'tenant A reads its own log')
  t.equal((await apiRequest(api.base, 'GET', `/transcription/jobs/${transcriptionId}`, TOKEN_A)).status, 200, 'tenant A reads its transcription job')

  // 3. Constant-time comparison: the implementation, and what a client can observe.
  const authSource = readFileSync(join(ROOT, 'packages/fastify-flashcard/src/auth.ts'), 'utf8')
  t.match(authSource, /timingSafeEqual\(/, 'tokens are compared with crypto.timingSafeEqual')
  t.match(authSource, /createHash\('sha256'\)/, 'on SHA-256 digests, so lengths never differ')
  const firstWrong = `x${TOKEN_A.slice(1)}`
  const lastWrong = `${TOKEN_A.slice(0, -1)}${TOKEN_A.endsWith('x') ? 'y' : 'x'}`
  const shortWrong = TOKEN_A.slice(0, 8)
  const answers: Record<string, ApiResponse[]> = { first: [], last: [], short: [] }
  for (let round = 0; round < 150; round++) {
    answers.first!.push(await apiRequest(api.base, 'GET', '/orchestrator/jobs', firstWrong))
    answers.last!.push(await apiRequest(api.base, 'GET', '/orchestrator/jobs', lastWrong))
    answers.short!.push(await apiRequest(api.base, 'GET', '/orchestrator/jobs', shortWrong))
  }
  const shape = (res: ApiResponse) => JSON.stringify({ status: res.status, body: res.body, auth: res.headers['www-authenticate'] })
  const shapes = new Set(Object.values(answers).flat().map(shape))
  t.equal(shapes.size, 1, 'a token wrong in its first character, its last, or its length gets the very same answer')
  const medians = Object.fromEntries(
    Object.entries(answers).map(([k, list]) => [
      k,
      percentile(
        list.map((r) => r.ms),
        50,
      ).toFixed(2),
    ]),
  )

  t.comment(
    `auth: protected_routes=${protectedRoutes.length} unauthorised_checks=${unauthorised}/${protectedRoutes.length * badCredentials.length} ` +
      `cross_tenant_job_routes=${crossTenant404}/${jobRoutes.length} (all 404) wrong_token_median_ms first_char=${medians.first} last_char=${medians.last} short=${medians.short} (informational)`,
  )
})
