// The deployment files: compose files and the Dockerfile parse and point at what the build
// produces, systemd units pass `systemd-analyze verify`, and PM2 runs the workers for real.
import t from 'tap'
import { execFile, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parse } from 'yaml'
import { FlashcardQueues } from '@flashcards/queue-core'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '@flashcards/test-support/redis'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..')
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8')

interface ComposeService {
  command?: string | string[]
  healthcheck?: { test: string[] }
  restart?: string
  profiles?: string[]
  ports?: string[]
  depends_on?: Record<string, { condition: string }>
}

t.test("docker-compose.redis.yml is the runbook's Redis", async (t) => {
  const compose = parse(read('docker-compose.redis.yml')) as { services: Record<string, ComposeService>; volumes: object }
  const redis = compose.services.redis!
  t.match(String(redis.command), /--appendonly yes/)
  t.match(String(redis.command), /--maxmemory-policy noeviction/)
  t.same(redis.healthcheck?.test, ['CMD', 'redis-cli', 'ping'])
  t.ok('redis-data' in compose.volumes, 'named volume')
  const commander = compose.services['redis-commander']!
  t.same(commander.profiles, ['debug'])
  t.match(commander.ports, ['8081:8081'])
})

t.test('deploy/docker-compose.workers.yml runs both built workers with healthchecks', async (t) => {
  const compose = parse(read('deploy/docker-compose.workers.yml')) as { services: Record<string, ComposeService> }
  t.same(Object.keys(compose.services).sort(), ['orchestrator-worker', 'redis', 'transcription-worker'])
  t.match(String(compose.services.redis!.command), /--appendonly yes .*noeviction/)
  for (const [name, kind] of [
    ['orchestrator-worker', 'orchestrator'],
    ['transcription-worker', 'transcription'],
  ] as const) {
    const service = compose.services[name]!
    const command = service.command as string[]
    t.equal(command[0], 'node')
    t.ok(existsSync(join(ROOT, command[1]!)), `${name} runs ${command[1]}, which the build produces`)
    t.same(service.healthcheck?.test.slice(-2), ['healthcheck', kind])
    t.equal(service.restart, 'unless-stopped')
    t.equal(service.depends_on?.redis?.condition, 'service_healthy')
  }
})

t.test('the Dockerfile is multi-stage and runs as a non-root user', async (t) => {
  const dockerfile = read('deploy/Dockerfile')
  t.ok((dockerfile.match(/^FROM /gm) ?? []).length >= 2, 'at least two stages')
  t.match(dockerfile, /^USER node$/m)
  for (const [, source] of dockerfile.matchAll(/^COPY (?!--from)(?:--\S+ )*(\S+)/gm)) {
    t.ok(existsSync(join(ROOT, source!)), `COPY source ${source} exists`)
  }
})

t.test('systemd units verify', async (t) => {
  const units = ['flashcard-orchestrator.service', 'flashcard-transcription.service']
  for (const unit of units) {
    const text = read(`deploy/systemd/${unit}`)
    const exec = /^ExecStart=\/usr\/bin\/node (\S+)$/m.exec(text)
    t.ok(exec && existsSync(join(ROOT, exec[1]!)), `${unit} starts a built entry`)
  }
  const analyze = spawnSync('systemd-analyze', ['--version'])
  if (analyze.status !== 0) {
    t.comment('systemd-analyze is not installed here: units checked by parsing only')
    return
  }
  const result = spawnSync('systemd-analyze', ['verify', ...units.map((u) => join(ROOT, 'deploy/systemd', u))], { encoding: 'utf8' })
  t.equal(result.status, 0, `systemd-analyze verify: ${result.stderr}`)
})

t.test('PM2 runs the orchestrator workers and they complete a job', async (t) => {
  const prefix = uniquePrefix('pm2')
  const pm2Home = mkdtempSync(join(tmpdir(), 'flashcard-pm2-'))
  const env = {
    ...process.env,
    PM2_HOME: pm2Home,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    LLM_PROVIDER: 'offline',
    LOG_DIR: join(pm2Home, 'job-logs'),
    CONTENT_DIR: join(ROOT, 'examples/content'),
  }
  const pm2 = (...args: string[]) => run(join(ROOT, 'node_modules/.bin/pm2'), args, { cwd: ROOT, env })
  const queues = new FlashcardQueues({ connection: TEST_REDIS_URL, queuePrefix: prefix })
  t.teardown(async () => {
    await pm2('delete', 'all').catch(() => {})
    await pm2('kill').catch(() => {})
    await queues.close()
    await deletePrefix(prefix)
    rmSync(pm2Home, { recursive: true, force: true })
  })

  await pm2('start', 'deploy/ecosystem.config.cjs', '--only', 'orchestrator-worker')
  const list = JSON.parse((await pm2('jlist')).stdout) as { name: string; pm2_env: { status: string; exec_mode: string } }[]
  t.equal(list.length, 2, 'two instances, as in the runbook')
  t.ok(list.every((p) => p.name === 'orchestrator-worker' && p.pm2_env.exec_mode === 'cluster_mode'))

  const [job] = await queues.enqueueGeneration(
    { mode: 'single_module', target: { course_id: 'course-hr-2025', module_id: 'mod-hr-101' }, settings: { target_card_count: 5 } },
    { tenant: 'ops', principal: 'pm2-test' },
  )
  const deadline = Date.now() + 60_000
  let status = await queues.getJob('orchestrator', job!.job_id, 'ops')
  while (status?.state !== 'completed' && status?.state !== 'failed' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200))
    status = await queues.getJob('orchestrator', job!.job_id, 'ops')
  }
  t.equal(status?.state, 'completed', `job ended ${status?.state}: ${status?.error}`)
  const cards = (status?.result as { cards: unknown[] } | null)?.cards ?? []
  t.ok(cards.length > 0, `${cards.length} cards generated under PM2`)

  // The compose file's healthcheck command, against the PM2-run workers.
  const check = () => spawnSync(process.execPath, ['packages/workers/dist/cli.js', 'healthcheck', 'orchestrator'], { cwd: ROOT, env, encoding: 'utf8' })
  const healthy = check()
  t.equal(healthy.status, 0, `healthcheck while running: ${healthy.stdout}${healthy.stderr}`)

  await pm2('delete', 'all')
  const after = JSON.parse((await pm2('jlist')).stdout) as unknown[]
  t.equal(after.length, 0, 'PM2 processes deleted')
  const gone = check()
  t.equal(gone.status, 1, `healthcheck after the workers stopped: ${gone.stderr.trim()}`)
})
