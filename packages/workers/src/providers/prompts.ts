import Type, { type Static } from 'typebox'
import type { CardRequest, ConceptRequest } from './types.js'

/** Part of the stage cache key; bump whenever the prompts or output schemas below change. */
export const PROMPT_VERSION = '1'

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

const GROUNDING_RULE = 'Use only facts stated in the given text; never add outside knowledge.'

export function stageAMessages({ chunk, language }: ConceptRequest): ChatMessage[] {
  return [
    {
      role: 'system',
      content: `You find the key concepts a learner must remember in course material. ${GROUNDING_RULE} Answer with JSON only.`,
    },
    {
      role: 'user',
      content: [
        `Language of the material: ${language}.`,
        `Section: ${chunk.heading ?? '(untitled)'}`,
        '',
        chunk.text,
        '',
        `List at most ${MAX_CONCEPTS_PER_CHUNK} key concepts of this section as {"concepts":[{"term","statement"}]}:`,
        'term is a short name for the concept; statement is one or two sentences of the text that state it.',
      ].join('\n'),
    },
  ]
}

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
  const types = request.cardTypes.join(' and ')
  return [
    {
      role: 'system',
      content: `You write study flashcards from course material. ${GROUNDING_RULE} Every answer must be stated in the chunk the card cites. Answer with JSON only.`,
    },
    {
      role: 'user',
      content: [
        `Write ${request.targetCount} flashcards in ${request.language}, of types ${types}, as {"cards":[{"type","front","back","chunk_id"}]}.`,
        'basic: front is a question, back its short answer taken from the chunk.',
        'cloze: front is a sentence of the chunk with the key words written as {{c1::key words}}, back is those key words.',
        'Cover different concepts; no two cards may ask the same thing. chunk_id must be one of the ids below.',
        '',
        ...sections,
      ].join('\n'),
    },
  ]
}

export function repairMessage(problems: string[]): ChatMessage {
  return {
    role: 'user',
    content: `Your answer is not valid: ${problems.slice(0, 5).join('; ')}. Reply with the corrected JSON only, matching the schema.`,
  }
}
