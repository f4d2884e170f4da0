import { createHash } from 'node:crypto'
import type { Concept } from '../providers/types.js'
import { contentWords } from './text.js'
import type { Chunk } from './chunk.js'
import { comparable } from './text.js'

/**
 * Consecutive chunks of one document whose concepts are extracted in one stage-A call. Course
 * material is mostly short sections (a heading, two paragraphs, an exercise): one call per
 * section pays the prompt and the round trip twenty times per module. Cards still cite the
 * section (chunk) they come from: concepts are attributed back to their chunk afterwards.
 */
export interface ConceptBatch {
  /** The chunks, in document order. */
  chunks: Chunk[]
  /** What the provider reads: the chunk itself for a batch of one, else the sections one after another. */
  view: Chunk
}

/**
 * Groups consecutive chunks of the same document while their text fits in `budget` tokens.
 * `budget` 0 keeps one chunk per batch. A batch of one is the chunk unchanged, so its stage-A
 * cache entry is the one a per-chunk run wrote.
 */
export function conceptBatches(chunks: Chunk[], budget: number): ConceptBatch[] {
  const groups: Chunk[][] = []
  let tokens = 0
  for (const chunk of chunks) {
    const last = groups[groups.length - 1]
    if (last && budget > 0 && last[0]!.document === chunk.document && tokens + chunk.tokens <= budget) {
      last.push(chunk)
      tokens += chunk.tokens
    } else {
      groups.push([chunk])
      tokens = chunk.tokens
    }
  }
  return groups.map((group) => ({ chunks: group, view: group.length === 1 ? group[0]! : mergedView(group) }))
}

function mergedView(group: Chunk[]): Chunk {
  const first = group[0]!
  const last = group[group.length - 1]!
  const text = group.map((chunk) => chunk.text).join('\n\n')
  return {
    id: `${first.id}..${last.id.slice(last.id.lastIndexOf('#') + 1)}`,
    document: first.document,
    heading: first.heading,
    blocks: group.flatMap((chunk) => chunk.blocks),
    text,
    tokens: group.reduce((sum, chunk) => sum + chunk.tokens, 0),
    ...(first.start_seconds !== undefined ? { start_seconds: first.start_seconds } : {}),
    ...(last.end_seconds !== undefined ? { end_seconds: last.end_seconds } : {}),
    hash: createHash('sha256')
      .update(group.map((chunk) => chunk.hash).join('\n'))
      .digest('hex'),
  }
}

/**
 * The chunk of the batch a concept comes from: the first that states it verbatim (ignoring case
 * and punctuation), else the one sharing most of its content words, else the first.
 */
export function sourceChunk(batch: ConceptBatch, concept: Omit<Concept, 'chunk_id'>): Chunk {
  if (batch.chunks.length === 1) return batch.chunks[0]!
  const statement = comparable(concept.statement)
  if (statement.trim() !== '') {
    const verbatim = batch.chunks.find((chunk) => comparable(chunk.text).includes(statement))
    if (verbatim) return verbatim
  }
  return chunkSharingMostWords(contentWords(`${concept.term} ${concept.statement}`), batch.chunks)
}

/** The chunk whose text holds most of `words` (content words); the first on a tie. */
export function chunkSharingMostWords(words: string[], chunks: Chunk[]): Chunk {
  let best = chunks[0]!
  let bestShared = 0
  for (const chunk of chunks) {
    const own = new Set(contentWords(chunk.text))
    const shared = words.filter((word) => own.has(word)).length
    if (shared > bestShared) {
      best = chunk
      bestShared = shared
    }
  }
  return best
}
