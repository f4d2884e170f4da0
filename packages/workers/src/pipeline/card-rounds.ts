import type { Card, ResolvedSettings } from '@flashcards/queue-core'
import type { CardDraft, CardRequest, Concept, LlmProvider, TopUp } from '../providers/types.js'
import type { JobLogRecorder } from '../runtime/job-log-recorder.js'
import type { Chunk } from './chunk.js'
import { repairChunkIds } from './chunk-repair.js'
import { PROGRESS, report, type ProgressFn } from './progress-steps.js'
import { hashOf } from './stage-cache.js'
import { usageData, type StageRunner } from './stage-runner.js'
import { comparable } from './text.js'
import { DROP_CHECKS, finaliseCards, type Rejection } from './validate.js'

/** Top-up rounds after the first stage-B call when too few cards pass validation (CARDS.md §4). */
export const MAX_TOP_UP_ROUNDS = 2
/** Drop reasons repeated to the model in a top-up prompt; enough to show the pattern. */
const MAX_DROP_LINES = 20

export interface CardRoundsContext {
  provider: LlmProvider
  runner: StageRunner
  module_id: string
  settings: ResolvedSettings
  titles: { course: string; module: string }
  chunks: Chunk[]
  signal: AbortSignal
  progress: ProgressFn
  log: JobLogRecorder
}

export interface CardRounds {
  cards: Card[]
  /** Every dropped draft of every round, with its reason. */
  rejected: Rejection[]
  drafts: number
  repairedChunkIds: number
  rounds: number
}

/**
 * Stage B, then up to MAX_TOP_UP_ROUNDS (or the provider's `topUpRounds`) top-up rounds: each asks for the missing number of cards
 * from the concepts no kept card covers yet, showing the kept fronts and the reasons earlier
 * drafts were dropped. Every round's drafts go through the same validation as the first: a
 * shortfall is never filled by relaxing a check.
 */
export async function writeModuleCards(concepts: Concept[], context: CardRoundsContext): Promise<CardRounds> {
  const target = context.settings.target_card_count
  const maxRounds = context.provider.topUpRounds ?? MAX_TOP_UP_ROUNDS
  let kept: CardDraft[] = []
  let cards: Card[] = []
  const rejected: Rejection[] = []
  const outcome = { drafts: 0, repairedChunkIds: 0, rounds: 0 }
  const raw: unknown[] = []
  let pending = concepts
  for (let round = 0; round <= maxRounds && pending.length > 0 && cards.length < target; round++) {
    context.signal.throwIfAborted()
    const topUp = round === 0 ? undefined : { keptFronts: cards.map((card) => card.front), dropReasons: dropLines(rejected) }
    if (topUp) await report(context.progress, PROGRESS.topUp(round, target - cards.length, pending.length))
    const request = cardRequest(context, pending, target - cards.length, topUp)
    const answer = await context.runner.run('stageB', requestHash(request, round), () => context.provider.writeCards(request, { signal: context.signal }))
    const repaired = repairChunkIds(answer.value, request.chunks)
    raw.push({ round, drafts: repaired.drafts, raw: answer.raw })
    const finalised = finaliseCards([...kept, ...repaired.drafts], context.chunks, { module_id: context.module_id, cardTypes: context.settings.card_types, targetCount: target })
    const dropped = new Set(finalised.rejected.map((rejection) => rejection.draft))
    kept = [...kept, ...repaired.drafts].filter((draft) => !dropped.has(draft))
    cards = finalised.cards
    rejected.push(...finalised.rejected)
    Object.assign(outcome, { drafts: outcome.drafts + repaired.drafts.length, repairedChunkIds: outcome.repairedChunkIds + repaired.repaired, rounds: round + 1 })
    if (round === 0)
      await report(context.progress, PROGRESS.stageB(repaired.drafts.length), {
        drafts: repaired.drafts.length,
        repaired_chunk_ids: repaired.repaired,
        cached: answer.cached,
        ...usageData(answer),
      })
    pending = pending.filter((concept) => !kept.some((draft) => covers(draft, concept)))
  }
  context.log.raw('stageB', raw)
  return { cards, rejected, ...outcome }
}

function cardRequest(context: CardRoundsContext, concepts: Concept[], targetCount: number, topUp: TopUp | undefined): CardRequest {
  const ids = new Set(concepts.map((concept) => concept.chunk_id))
  return {
    chunks: context.chunks.filter((chunk) => ids.has(chunk.id)),
    concepts,
    targetCount,
    cardTypes: context.settings.card_types,
    language: context.settings.language,
    titles: context.titles,
    ...(topUp ? { topUp } : {}),
  }
}

/** What a stage-B call reads, as its cache key: a re-run of an unchanged module hits every round. */
function requestHash(request: CardRequest, round: number): string {
  return hashOf({ round, ...request, chunks: request.chunks.map((chunk) => chunk.hash) })
}

/** `C11 the answer is not stated in the cited chunk: "front"`, per dropped draft worth telling. */
function dropLines(rejected: Rejection[]): string[] {
  return rejected
    .filter((rejection) => rejection.reason !== 'over_target')
    .slice(-MAX_DROP_LINES)
    .map(({ draft, reason }) => `${DROP_CHECKS[reason].check} ${DROP_CHECKS[reason].line}: "${draft.front.slice(0, 160)}"`)
}

/** A kept draft covers a concept of its chunk when it asks for the concept's term or one of its statement's answers. */
function covers(draft: CardDraft, concept: Concept): boolean {
  if (draft.chunk_id !== concept.chunk_id) return false
  const card = comparable(`${draft.front} ${draft.back}`)
  const answer = comparable(draft.back).trim()
  return card.includes(comparable(concept.term)) || (answer !== '' && comparable(concept.statement).includes(` ${answer} `))
}
