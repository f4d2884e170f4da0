import type { Concept, LlmProvider } from '../providers/types.js'
import type { ConceptBatch } from './concept-batches.js'
import { sourceChunk } from './concept-batches.js'
import { mapLimit } from './map-limit.js'
import { PROGRESS, report, type ProgressFn } from './progress-steps.js'
import { usageData, type StageRunner } from './stage-runner.js'

export interface StageAContext {
  provider: LlmProvider
  runner: StageRunner
  language: string
  concurrency: number
  signal: AbortSignal
  progress: ProgressFn
}

export interface StageAEntry {
  chunk_id: string
  concepts: Concept[]
  raw: unknown
}

/**
 * Stage A: the key concepts of every batch of chunks, in parallel up to `concurrency` calls, each
 * concept attributed back to the chunk of the batch that states it.
 */
export async function extractModuleConcepts(batches: ConceptBatch[], context: StageAContext): Promise<StageAEntry[]> {
  const { provider, runner, signal } = context
  await runner.prefetch(
    'stageA',
    batches.map((batch) => batch.view.hash),
  )
  let done = 0
  return mapLimit(batches, context.concurrency, async (batch) => {
    signal.throwIfAborted()
    const chunk = batch.view
    const answer = await runner.run('stageA', chunk.hash, () => provider.extractConcepts({ chunk, language: context.language }, { signal }))
    const concepts: Concept[] = answer.value.map((concept) => ({ ...concept, chunk_id: sourceChunk(batch, concept).id }))
    done++
    await report(context.progress, PROGRESS.stageA(done, batches.length, chunk.id, concepts.length), {
      chunk_id: chunk.id,
      ...(batch.chunks.length > 1 ? { chunks: batch.chunks.map((member) => member.id) } : {}),
      concepts: concepts.length,
      cached: answer.cached,
      ...usageData(answer),
    })
    return { chunk_id: chunk.id, concepts, raw: answer.raw }
  })
}
