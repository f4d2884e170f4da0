import { existsSync, readdirSync, statSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { resolveSettings } from '@flashcards/queue-core'
import { OfflineProvider, OpenAiCompatibleProvider, type LlmProvider } from '@flashcards/workers'
import type { BenchContext } from '../lib/context.js'
import { forQuality, generate, loadCourse } from '../lib/course.js'
import { startFakeLlm } from '../lib/fake-llm.js'
import { ROOT } from '../lib/process.js'
import { COUNT_BAR_WORDS, covers, measureQuality, type ModuleCards, type QualityReport } from '../lib/quality.js'
import { referencesOf } from '../lib/references.js'

export const QUALITY_TARGET = 10

export type QualityResults =
  { courses: string[]; target_card_count: number; providers: Record<string, QualityReport>; per_course: Record<string, Record<string, QualityReport>> } | { skipped: string }

/**
 * Phase 7: the CARDS.md checks on every provider's cards, per course: the repository's
 * examples/content courses and every course beside the bench corpus course (../shared/corpus by
 * default, or the folder holding BENCH_CORPUS). Providers: offline, the loopback fake, and any
 * OpenAI-compatible model named by BENCH_LLM_BASE_URL / BENCH_LLM_MODEL (BENCH_LLM_API_KEY
 * optional). With `ctx.dumpDir`, every card is written there as Markdown for hand review.
 */
export async function qualityPhase(ctx: BenchContext): Promise<QualityResults> {
  const courses = qualityCourses(ctx.corpusCourseDir)
  if (courses.length === 0) return { skipped: `no course found beside ${ctx.corpusCourseDir} or in examples/content` }
  const fake = await startFakeLlm({ latencyMs: 0 })
  const providers: Record<string, LlmProvider> = {
    offline: new OfflineProvider(),
    'fake-openai': new OpenAiCompatibleProvider({ baseUrl: fake.baseUrl, model: 'fake' }),
  }
  const baseUrl = process.env.BENCH_LLM_BASE_URL
  const model = process.env.BENCH_LLM_MODEL
  if (baseUrl && model) {
    providers[`openai-compatible:${model}`] = new OpenAiCompatibleProvider({ baseUrl, model, ...(process.env.BENCH_LLM_API_KEY ? { apiKey: process.env.BENCH_LLM_API_KEY } : {}) })
  }
  const settings = resolveSettings({ target_card_count: QUALITY_TARGET })
  const overall: Record<string, QualityReport> = {}
  const perCourse: Record<string, Record<string, QualityReport>> = {}
  try {
    for (const [name, provider] of Object.entries(providers)) {
      const all: ModuleCards[] = []
      for (const courseDir of courses) {
        const course = basename(courseDir)
        const results: ModuleCards[] = []
        for (const module of await loadCourse(courseDir)) {
          const cards = forQuality(module, await generate(provider, module, settings), QUALITY_TARGET)
          results.push({ ...cards, references: await referencesOf(course, module.module_id) })
        }
        if (ctx.dumpDir) await dump(join(ctx.dumpDir, name, `${course}.md`), results)
        const report = measureQuality(results)
        ;(perCourse[course] ??= {})[name] = report
        ctx.progress(`  ${name.padEnd(12)} ${course.padEnd(16)} ${row(report)}`)
        all.push(...results)
      }
      overall[name] = measureQuality(all)
    }
  } finally {
    await fake.close()
  }
  return { courses, target_card_count: QUALITY_TARGET, providers: overall, per_course: perCourse }
}

/** One course's figures on a line: what `--only quality` prints. */
export function row(report: QualityReport): string {
  const coverage = report.coverage ? `, coverage ${report.coverage.matched}/${report.coverage.references}` : ''
  return (
    `${report.cards} cards, count ${pct(report.count_accuracy_sized)} (modules of ${COUNT_BAR_WORDS}+ words; all ${pct(report.count_accuracy)}), grounded ${pct(report.grounding_rate)}, lint-flagged ${pct(report.lint_flagged_rate)}, ` +
    `same-fact ${pct(report.same_fact_rate)} (reverse pairs ${report.reverse_pairs}), weak blanks ${pct(report.weak_blank_rate)}, stem leak ${pct(report.stem_leak_rate)}, ` +
    `long fronts ${pct(report.long_front_rate)}, misdefinitions ${pct(report.misdefinition_rate)}, C8 ${report.checks.C8 ?? 0}, C9 ${report.checks.C9 ?? 0}, C10 ${report.checks.C10 ?? 0}${coverage}`
  )
}

/** Course folders: examples/content/* and the siblings of the bench corpus course (never copied into the repo). */
export function qualityCourses(corpusCourseDir: string): string[] {
  const isCourse = (dir: string) => statSync(dir).isDirectory() && readdirSync(dir).some((module) => statSync(join(dir, module)).isDirectory())
  const children = (dir: string) =>
    existsSync(dir)
      ? readdirSync(dir)
          .sort()
          .map((name) => join(dir, name))
          .filter(isCourse)
      : []
  return [...children(join(ROOT, 'examples', 'content')), ...children(dirname(corpusCourseDir))]
}

async function dump(file: string, modules: ModuleCards[]): Promise<void> {
  const lines = modules.flatMap((module) => [
    `## ${module.module_id} (${module.cards.length}/${module.target})`,
    '',
    ...module.cards.map((card, index) => `${index + 1}. [${card.type}] ${card.front.replace(/\n/g, ' ')}\n   → ${card.back.replace(/\n/g, ' ')}  (${card.chunk_id ?? ''})`),
    '',
    ...referenceLines(module),
  ])
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, `${lines.join('\n')}\n`)
}

/** For hand review: each reference of the module, ticked when a card covers it, with the covering card's number. */
function referenceLines(module: ModuleCards): string[] {
  if (!module.references) return []
  const lines = module.references.map((reference) => {
    const index = module.cards.findIndex((card) => covers(card, reference))
    return `- [${index >= 0 ? 'x' : ' '}] ${reference.front} → ${reference.back}${index >= 0 ? `  (card ${index + 1})` : ''}`
  })
  const matched = lines.filter((line) => line.startsWith('- [x]')).length
  return [`References covered: ${matched}/${module.references.length}`, '', ...lines, '']
}

const pct = (value: number) => `${Math.round(value * 100)} %`
