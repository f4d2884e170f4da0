import { existsSync } from 'node:fs'
import { OfflineProvider } from '@flashcards/workers'
import type { BenchContext } from '../lib/context.js'
import { generate, loadCourse } from '../lib/course.js'
import { round } from '../lib/jobs.js'

export interface OfflineResults {
  course: string
  modules: number
  words: number
  passes: number
  seconds: number
  words_per_second: number
  cards_per_second: number
  modules_per_second: number
}

/** Phase 4: the offline provider through the whole pipeline on the real course, repeated for ≥ 3 s. */
export async function offlinePhase(ctx: BenchContext): Promise<OfflineResults | { skipped: string }> {
  if (!existsSync(ctx.corpusCourseDir)) {
    const note = `course ${ctx.corpusCourseDir} not found (set BENCH_CORPUS to a course folder): phase skipped`
    ctx.progress(`  ${note}`)
    return { skipped: note }
  }
  const modules = await loadCourse(ctx.corpusCourseDir)
  const provider = new OfflineProvider()
  const words = modules.reduce((sum, module) => sum + module.words, 0)
  for (const module of modules) await generate(provider, module) // warm-up (JIT)
  const minimumMs = ctx.quick ? 500 : 3_000
  let passes = 0
  let cards = 0
  const started = performance.now()
  while (performance.now() - started < minimumMs) {
    for (const module of modules) cards += (await generate(provider, module)).cards.length
    passes++
  }
  const seconds = (performance.now() - started) / 1000
  const results: OfflineResults = {
    course: ctx.corpusCourseDir,
    modules: modules.length,
    words,
    passes,
    seconds: round(seconds, 2),
    words_per_second: Math.round((words * passes) / seconds),
    cards_per_second: Math.round(cards / seconds),
    modules_per_second: round((modules.length * passes) / seconds, 1),
  }
  ctx.progress(`  ${modules.length} modules, ${words} words: ${results.words_per_second} words/s, ${results.cards_per_second} cards/s`)
  return results
}
