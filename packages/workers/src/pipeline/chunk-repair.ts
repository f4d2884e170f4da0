import type { CardDraft } from '../providers/types.js'
import { contentWords } from './text.js'
import type { Chunk } from './chunk.js'
import { chunkSharingMostWords } from './concept-batches.js'
import { isGrounded } from './validate.js'

/**
 * Models often cite a chunk id the prompt never offered (a batch id, a heading, a made-up
 * number). Such a draft is not lost: it is given the offered chunk that states its answer, the
 * one sharing most words with its front when several do. A draft whose answer no offered chunk
 * states keeps its id and is dropped by validation as before.
 */
export function repairChunkIds(drafts: CardDraft[], chunks: Chunk[]): { drafts: CardDraft[]; repaired: number } {
  const offered = new Set(chunks.map((chunk) => chunk.id))
  let repaired = 0
  const result = drafts.map((draft) => {
    if (offered.has(draft.chunk_id)) return draft
    const home = bestChunk(
      draft,
      chunks.filter((chunk) => isGrounded(draft, chunk.text)),
    )
    if (!home) return draft
    repaired++
    return { ...draft, chunk_id: home.id }
  })
  return { drafts: result, repaired }
}

function bestChunk(draft: CardDraft, candidates: Chunk[]): Chunk | undefined {
  if (candidates.length <= 1) return candidates[0]
  return chunkSharingMostWords(contentWords(draft.front), candidates)
}
