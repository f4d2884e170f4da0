import Type, { type Static } from 'typebox'
import { CARD_EXAMPLES, CARD_RULES, GROUNDING_RULE, STAGE_A_EXAMPLE, STAGE_A_RULES } from './prompt-rules.js'
import type { CardRequest, ConceptRequest, TopUp } from './types.js'

/** Part of the stage cache key; bump whenever the prompts or output schemas below change. */
export const PROMPT_VERSION = '2'

export const MAX_CONCEPTS_PER_CHUNK = 12

export const StageAOutput = Type.Object(
  {
    concepts: Type.Array(
      Type.Object(
        {
          term: Type.String({ minLength: 1, maxLength: 200 }),
          statement: Type.String({ minLength: 1, maxLength: 1000 }),
        },
        { additionalProperties: false, required: ['term', 'statement'] },
      ),
      { maxItems: MAX_CONCEPTS_PER_CHUNK },
    ),
  },
  { additionalProperties: false, required: ['concepts'] },
)
export type StageAOutput = Static<typeof StageAOutput>

export const StageBOutput = Type.Object(
  {
    cards: Type.Array(
      Type.Object(
        {
          type: Type.Enum(['basic', 'cloze']),
          front: Type.String({ minLength: 1, maxLength: 1000 }),
          back: Type.String({ minLength: 1, maxLength: 2000 }),
          chunk_id: Type.String({ minLength: 1, maxLength: 128 }),
        },
        { additionalProperties: false, required: ['type', 'front', 'back', 'chunk_id'] },
      ),
    ),
  },
  { additionalProperties: false, required: ['cards'] },
)
export type StageBOutput = Static<typeof StageBOutput>

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

export function stageAMessages({ chunk, language }: ConceptRequest): ChatMessage[] {
  return [
    {
      role: 'system',
      content: [
        `You pick out the facts of course material a learner should be able to recall. ${GROUNDING_RULE} Answer with JSON only.`,
        ...STAGE_A_RULES.map((rule) => `- ${rule}`),
        '',
        ...STAGE_A_EXAMPLE,
      ].join('\n'),
    },
    {
      role: 'user',
      content: [
        `Language of the material: ${language}.`,
        `Section: ${chunk.heading ?? '(untitled)'}`,
        '',
        chunk.text,
        '',
        `List at most ${MAX_CONCEPTS_PER_CHUNK} concepts of this section as {"concepts":[{"term","statement"}]}.`,
      ].join('\n'),
    },
  ]
}

/** The rules and examples every stage-B call carries; the user message carries the material. */
const STAGE_B_SYSTEM = [
  `You write flashcards for spaced-repetition study from course material. ${GROUNDING_RULE} Answer with JSON only.`,
  'Card schema: {"type","front","back","chunk_id"}.',
  '- basic: front is one question; back is its short answer.',
  '- cloze: front is one sentence with exactly one {{c1::...}} deletion around the key term; back is the deleted text, exactly.',
  '- chunk_id: the id after "### chunk_id:" of the chunk that states the answer.',
  'Rules:',
  ...CARD_RULES.map((rule) => `- ${rule}`),
  'Examples from another course:',
  ...CARD_EXAMPLES,
].join('\n')

export function stageBMessages(request: CardRequest): ChatMessage[] {
  const byChunk = new Map<string, string[]>()
  for (const concept of request.concepts) {
    const list = byChunk.get(concept.chunk_id) ?? []
    list.push(`- ${concept.term}: ${concept.statement}`)
    byChunk.set(concept.chunk_id, list)
  }
  const sections = request.chunks
    .filter((chunk) => byChunk.has(chunk.id))
    .map((chunk) => `### chunk_id: ${chunk.id}\n${chunk.text}\n\nConcepts:\n${byChunk.get(chunk.id)!.join('\n')}`)
  const titles = request.titles ? [`Course: ${request.titles.course}. Module: ${request.titles.module}.`] : []
  return [
    { role: 'system', content: STAGE_B_SYSTEM },
    {
      role: 'user',
      content: [
        ...titles,
        `Write ${request.targetCount} flashcards in ${request.language}, of types ${request.cardTypes.join(' and ')}, as {"cards":[{"type","front","back","chunk_id"}]}.`,
        'Cover different concepts. chunk_id must be one of the ids below.',
        ...(request.topUp ? topUpLines(request.topUp) : []),
        '',
        ...sections,
      ].join('\n'),
    },
  ]
}

/** A top-up round: the kept cards not to repeat, and why the other drafts were dropped. */
function topUpLines({ keptFronts, dropReasons }: TopUp): string[] {
  return [
    'Earlier cards already cover other concepts. Do not repeat these facts:',
    ...keptFronts.map((front) => `- ${front}`),
    ...(dropReasons.length > 0 ? ['Drafts dropped by the checks (do not make these mistakes again):', ...dropReasons.map((line) => `- ${line}`)] : []),
  ]
}

export function repairMessage(problems: string[]): ChatMessage {
  return {
    role: 'user',
    content: `Your answer is not valid: ${problems.slice(0, 5).join('; ')}. Reply with the corrected JSON only, matching the schema.`,
  }
}
