// `pnpm bench [--quick] [--only name,name]`: every measurement of bench/README.md in one run on a
// private redis-server, with a progress line per phase, a final table, and bench/results.json.
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { corpusCourseDir, type BenchContext } from './lib/context.js'
import { ROOT } from './lib/process.js'
import { startPrivateRedis } from './lib/redis.js'
import { renderTable } from './lib/table.js'
import { enqueuePhase } from './phases/enqueue.js'
import { workerOverheadPhase } from './phases/worker-overhead.js'
import { latencyPhase } from './phases/latency.js'
import { readScalePhase } from './phases/read-scale.js'
import { scalingPhase } from './phases/scaling.js'
import { offlinePhase } from './phases/offline.js'
import { costPhase } from './phases/cost.js'
import { memoryPhase } from './phases/memory.js'
import { qualityPhase } from './phases/quality.js'

const PHASES = {
  enqueue: enqueuePhase,
  worker_overhead: workerOverheadPhase,
  e2e_latency: latencyPhase,
  read_scale: readScalePhase,
  scaling: scalingPhase,
  offline: offlinePhase,
  llm_cost: costPhase,
  memory: memoryPhase,
  quality: qualityPhase,
} as const
type PhaseName = keyof typeof PHASES

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, soak: { type: 'boolean', default: false }, only: { type: 'string' }, out: { type: 'string' }, dump: { type: 'string' } },
})
// `--soak` is the memory phase over 100,000 jobs, alone unless --only names more.
const selected = (values.only ? values.only.split(',') : values.soak ? ['memory'] : Object.keys(PHASES)) as PhaseName[]
for (const name of selected) {
  if (!(name in PHASES)) {
    console.error(`unknown phase "${name}" (phases: ${Object.keys(PHASES).join(', ')})`)
    process.exit(2)
  }
}
if (!existsSync(join(ROOT, 'packages/workers/dist/cli.js')) || !existsSync(join(ROOT, 'packages/fastify-flashcard/dist/index.js'))) {
  console.error('The packages are not built: run `pnpm build` (or `npm test` once) first.')
  process.exit(1)
}

const began = Date.now()
const elapsed = () => `${((Date.now() - began) / 1000).toFixed(0).padStart(4)} s`
const progress = (message: string) => console.log(`[${elapsed()}] ${message}`)
const redis = await startPrivateRedis()
const tmp = await mkdtemp(join(tmpdir(), 'flashcard-bench-'))
const ctx: BenchContext = {
  redis,
  quick: values.quick,
  soak: values.soak,
  tmp,
  corpusCourseDir: corpusCourseDir(),
  ...(values.dump ? { dumpDir: values.dump } : {}),
  progress,
}
progress(`private redis-server at ${redis.url}; ${cpus().length} CPU(s), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}${ctx.quick ? '; QUICK mode' : ''}`)

const results: Record<string, unknown> = {
  generated_at: new Date().toISOString(),
  mode: ctx.soak ? 'soak' : ctx.quick ? 'quick' : 'full',
  machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model, memory_gib: Number((totalmem() / 2 ** 30).toFixed(1)), node: process.version, platform: process.platform },
}
let failed = false
try {
  for (const name of selected) {
    progress(`phase ${name}…`)
    const started = Date.now()
    try {
      results[name] = await PHASES[name](ctx)
      progress(`phase ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    } catch (err) {
      failed = true
      results[name] = { error: (err as Error).message }
      progress(`phase ${name} FAILED: ${(err as Error).stack ?? (err as Error).message}`)
    }
  }
} finally {
  await redis.stop()
  await rm(tmp, { recursive: true, force: true })
}
results.duration_seconds = Math.round((Date.now() - began) / 1000)

console.log(`\n${renderTable(results)}`)
const out = values.out ?? join(ROOT, 'bench', ctx.soak ? 'results.soak.json' : ctx.quick ? 'results.quick.json' : 'results.json')
await writeFile(out, `${JSON.stringify(results, null, 2)}\n`)
progress(`wrote ${out}`)
process.exit(failed ? 1 : 0)
