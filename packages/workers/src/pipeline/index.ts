export { generateModuleCards, DEFAULT_STAGE_A_CONCURRENCY, type PipelineInput, type PipelineDeps } from './module-pipeline.js'
export { normaliseDocument, type Block, type Section, type NormalisedDocument } from './normalise.js'
export { chunkDocuments, estimateTokens, DEFAULT_CHUNK_TOKENS, type Chunk } from './chunk.js'
export { comparable } from './text.js'
export { finaliseCards, isGrounded, GROUNDING_COVERAGE, NEAR_DUPLICATE_SIMILARITY, DROP_CHECKS, type FinalisedCards, type DropReason, type Rejection } from './validate.js'
export { StageCache, STAGE_CACHE_TTL_SECONDS, hashOf, type StageCacheKey, type Stage } from './stage-cache.js'
export { type LlmCallEvent } from './stage-runner.js'
export { MAX_TOP_UP_ROUNDS } from './card-rounds.js'
export { PROGRESS, type ProgressReport } from './progress-steps.js'
export {
  lintCard,
  sameFact,
  isVerbatim,
  isWeakBlank,
  leaksStem,
  stem,
  answersOf,
  questionOf,
  MAX_FRONT_CHARS,
  MAX_ANSWER_WORDS,
  type CheckId,
  type LintableCard,
} from './card-lint.js'
export { inlineText, type MarkedTerm, type TermMark, type InlineText } from './inline-markup.js'
export { boxOf, type Box } from './boxes.js'
