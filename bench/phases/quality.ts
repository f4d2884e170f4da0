import { existsSync } from 'node:fs'
import { resolveSettings } from '@flashcards/queue-core'
import { OfflineProvider, OpenAiCompatibleProvider, type LlmProvider } from '@flashcards/workers'
import type { BenchContext } from '../lib/context.js'
import { forQuality, generate, loadCourse } from '../lib/course.js'
import { startFakeLlm } from '../lib/fake-llm.js'
import { measureQuality, type QualityReport } from '../lib/quality.js'

export const QUALITY_TARGET = 10

export type QualityResults = { course: string; target_card_count: number; providers: Record<string, QualityReport> } | { skipped: string }

/**
 * Phase 7: the same automatic checks on every provider's cards for the real course: offline, the
 * loopback fake, and any OpenAI-compatible model named by BENCH_LLM_BASE_URL / BENCH_LLM_MODEL
 * (BENCH_LLM_API_KEY optional), so models can be compared on the same material.
 */
export async function qualityPhase(ctx: BenchContext): Promise<QualityResults> {
  if (!existsSync(ctx.corpusCourseDir)) {
    const note = `course ${ctx.corpusCourseDir} not found (set BENCH_CORPUS to a course folder): phase skipped`
    ctx.progress(`  ${note}`)
    return { skipped: note }
  }
  const modules = await loadCourse(ctx.corpusCourseDir)
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
  const reports: Record<string, QualityReport> = {}
  try {
    for (const [name, provider] of Object.entries(providers)) {
      const results = []
      for (const module of modules) results.push(forQuality(module, await generate(provider, module, settings), QUALITY_TARGET))
      const report = measureQuality(results)
      reports[name] = report
      ctx.progress(
        `  ${name}: ${report.cards} cards, count accuracy ${pct(report.count_accuracy)}, grounded ${pct(report.grounding_rate)}, leakage ${pct(report.leakage_rate)}, near-dup ${pct(report.near_duplicate_rate)}, answer words p50 ${report.answer_words.p50}`,
      )
    }
  } finally {
    await fake.close()
  }
  return { course: ctx.corpusCourseDir, target_card_count: QUALITY_TARGET, providers: reports }
}

const pct = (value: number) => `${Math.round(value * 100)} %`
