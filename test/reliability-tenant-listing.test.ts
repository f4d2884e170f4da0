/*
 * Listing through the example API server process: a tenant's job is listed behind 10,000 newer
 * jobs of another tenant (the former listing scanned 5,000 jobs per state and filtered by tenant
 * in memory, so it came back empty), lists never show another tenant's job even with the same
 * course and module ids, and 20 concurrent lists neither take long nor grow the server's memory.
 */
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { apiRequest, closeHttpAgent, percentile } from './support/http-client.js'
import { rssOf } from '@flashcards/test-support'
import { startApiServer } from './support/processes.js'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

const TOKEN_A = `tenant-a-${randomUUID()}`
const TOKEN_B = `tenant-b-${randomUUID()}`
const OTHER_JOBS = 10_000
const PER_REQUEST = 100

t.teardown(closeHttpAgent)

const ids = (page: { body: { data: { items: { id: string }[] } } }) => page.body.data.items.map((job) => job.id)

t.test("a tenant's job is listed behind 10,000 jobs of another tenant; no list shows another tenant's job", async (t) => {
  const prefix = uniquePrefix('reliability-listing')
  const api = await startApiServer({ REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, API_TOKENS: `${TOKEN_A}:tenant-a,${TOKEN_B}:tenant-b` })
  t.teardown(async () => {
    await api.stop()
    await deletePrefix(prefix)
  })
  const generate = (token: string, course_id: string, module_ids: string[]) =>
    apiRequest(api.base, 'POST', '/orchestrator/generate-batch', token, { mode: 'modules', target: { course_id, module_ids } })

  const mine = await generate(TOKEN_B, 'shared-course', ['mod-0'])
  t.equal(mine.status, 202, 'tenant B enqueues one job')
  const myJob = mine.body.data.jobs[0].job_id as string
  const started = Date.now()
  let accepted = 0
  // Tenant A's 10,000 newer jobs, 100 per request; the first request uses tenant B's course and module ids.
  for (let batch = 0; batch < OTHER_JOBS / PER_REQUEST; batch++) {
    const modules = Array.from({ length: PER_REQUEST }, (_, i) => `mod-${batch * PER_REQUEST + i}`)
    const res = await generate(TOKEN_A, batch === 0 ? 'shared-course' : `course-${batch}`, modules)
    if (res.status === 202) accepted += res.body.data.jobs.length
  }
  const enqueueMs = Date.now() - started
  t.equal(accepted, OTHER_JOBS, `tenant A enqueued ${OTHER_JOBS} jobs`)

  const list = (token: string, query: string) => apiRequest(api.base, 'GET', `/orchestrator/jobs${query}`, token)
  for (const query of ['?module_id=mod-0', '?course_id=shared-course', '', '?state=waiting', '?module_id=mod-0&course_id=shared-course']) {
    const page = await list(TOKEN_B, query)
    t.equal(page.status, 200)
    t.same(ids(page), [myJob], `tenant B sees its job and only it: ${query || '(no filter)'}`)
  }
  const aSame = await list(TOKEN_A, '?module_id=mod-0&course_id=shared-course')
  t.equal(aSame.body.data.items.length, 1, "tenant A's own job with those ids")
  t.not(ids(aSame)[0], myJob, "not tenant B's")
  const pages: string[] = []
  for (let offset: number | null = 0; offset !== null && pages.length < 300;) {
    const page = await list(TOKEN_A, `?course_id=shared-course&limit=40&offset=${offset}`)
    pages.push(...ids(page))
    offset = page.body.data.next_offset
  }
  t.equal(new Set(pages).size, PER_REQUEST, "tenant A's course pages hold its 100 jobs once each")
  t.notOk(pages.includes(myJob), "and never tenant B's job")

  const rssBefore = rssOf(api.proc.pid)
  const concurrent = await Promise.all(Array.from({ length: 20 }, (_, i) => list(i % 2 ? TOKEN_A : TOKEN_B, i % 4 < 2 ? '?limit=100' : '?module_id=mod-0')))
  const rssAfter = rssOf(api.proc.pid)
  t.ok(
    concurrent.every((res) => res.status === 200),
    '20 concurrent lists answer 200',
  )
  const ms = concurrent.map((res) => res.ms)
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
  t.comment(
    `tenant listing: other_tenant_jobs=${OTHER_JOBS} enqueue_ms=${enqueueMs} (${OTHER_JOBS / PER_REQUEST} requests) ` +
      `tenant_b_found=yes concurrent_lists=20 p50_ms=${percentile(ms, 50).toFixed(1)} max_ms=${Math.max(...ms).toFixed(1)} ` +
      `rss_before_mb=${mb(rssBefore)} rss_after_mb=${mb(rssAfter)}`,
  )
  t.ok(Math.max(...ms) < 2_000, 'each of the 20 concurrent lists answers within 2 s')
  t.ok(rssAfter - rssBefore < 64 * 1024 * 1024, 'the server grows by less than 64 MB')
})
