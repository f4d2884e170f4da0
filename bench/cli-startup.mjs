#!/usr/bin/env node
// `flashcard-workers --help` start-up cost: median wall time and peak RSS over N runs of the
// built bin (packages/workers/bin/flashcard-workers.js). Usage: node bench/cli-startup.mjs [runs] [args…]
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../packages/workers/bin/flashcard-workers.js', import.meta.url))
const runs = Number(process.argv[2] ?? 7)
const args = process.argv.length > 3 ? process.argv.slice(3) : ['--help']
// Preloaded into the measured process: report its peak RSS (KiB) on stderr as it exits.
const probe = `data:text/javascript,process.on('exit',()=>process.stderr.write('maxrss='+process.resourceUsage().maxRSS+'\\n'))`

const samples = []
for (let i = 0; i < runs; i++) {
  const started = process.hrtime.bigint()
  const result = spawnSync(process.execPath, ['--import', probe, bin, ...args], { encoding: 'utf8' })
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  if (result.status !== 0) throw new Error(`flashcard-workers ${args.join(' ')} exited ${result.status}: ${result.stderr}`)
  samples.push({ ms, rssMiB: Number(/maxrss=(\d+)/.exec(result.stderr)[1]) / 1024 })
}
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]
console.log(
  `flashcard-workers ${args.join(' ')}: median ${median(samples.map((s) => s.ms)).toFixed(0)} ms, ` +
    `peak RSS ${Math.max(...samples.map((s) => s.rssMiB)).toFixed(1)} MiB over ${runs} runs`,
)
