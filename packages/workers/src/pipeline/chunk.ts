import { createHash } from 'node:crypto'
import type { Block, NormalisedDocument } from './normalise.js'

/** A piece of a module small enough for one LLM call; every card points back to one. */
export interface Chunk {
  /** `<document>#<n>`; `<document>#key-points` for front-matter key points. */
  id: string
  document: string
  /** The nearest heading, or the document title. */
  heading: string | undefined
  blocks: Block[]
  /** The chunk as plain text (code fenced), what providers read and grounding checks against. */
  text: string
  tokens: number
  /** Where the chunk's blocks stand in the document's extracted text (character offsets, end exclusive). */
  char_start?: number
  char_end?: number
  /** For transcripts: where in the media the chunk starts and ends. */
  start_seconds?: number
  end_seconds?: number
  /** sha256 of heading and text: the stage cache key. */
  hash: string
}

/** Default token budget of a chunk: room for the prompt and a full answer in any current model. */
export const DEFAULT_CHUNK_TOKENS = 700

/** Rough token count (about four characters per token for English prose). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4)
}

/**
 * Splits documents into chunks of at most `budget` tokens. A section is never mixed with another
 * (cards cite one heading); a long section is cut between blocks, and a single block larger than
 * the budget (a long paragraph, a long cue run) becomes a chunk of its own.
 */
export function chunkDocuments(documents: NormalisedDocument[], budget = DEFAULT_CHUNK_TOKENS): Chunk[] {
  const chunks: Chunk[] = []
  for (const doc of documents) {
    const base = doc.name.slice(0, 100)
    let index = 0
    if (doc.keypoints.length > 0) {
      const span = doc.keypointsSpan ? { span: doc.keypointsSpan } : {}
      chunks.push(makeChunk(`${base}#key-points`, doc.name, 'Key points', [{ kind: 'list', items: doc.keypoints, terms: [], ...span }]))
    }
    for (const section of doc.sections) {
      const heading = section.path[section.path.length - 1] ?? doc.title
      let pending: Block[] = []
      let pendingTokens = 0
      const flush = () => {
        if (pending.length === 0) return
        chunks.push(makeChunk(`${base}#${++index}`, doc.name, heading, pending))
        pending = []
        pendingTokens = 0
      }
      for (const block of section.blocks) {
        const tokens = estimateTokens(renderBlock(block))
        if (pendingTokens + tokens > budget) flush()
        pending.push(block)
        pendingTokens += tokens
      }
      flush()
    }
  }
  return chunks
}

function makeChunk(id: string, document: string, heading: string | undefined, blocks: Block[]): Chunk {
  const body = blocks.map(renderBlock).join('\n\n')
  const text = heading ? `${heading}\n\n${body}` : body
  const cues = blocks.filter((block): block is Extract<Block, { kind: 'cue' }> => block.kind === 'cue')
  const spans = blocks.flatMap((block) => ('span' in block && block.span ? [block.span] : []))
  return {
    id,
    document,
    heading,
    blocks,
    text,
    tokens: estimateTokens(text),
    ...(spans.length > 0 ? { char_start: Math.min(...spans.map(([start]) => start)), char_end: Math.max(...spans.map(([, end]) => end)) } : {}),
    ...(cues.length > 0 ? { start_seconds: cues[0]!.start, end_seconds: cues[cues.length - 1]!.end } : {}),
    hash: createHash('sha256')
      .update(`${heading ?? ''}\n${text}`)
      .digest('hex'),
  }
}

export function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
    case 'cue':
      return block.text
    case 'list':
      return block.items.map((item) => `- ${item}`).join('\n')
    case 'code':
      return `\`\`\`${block.lang ?? ''}\n${block.text}\n\`\`\``
    case 'table':
      return [block.header, block.header.map(() => '---'), ...block.rows].map((cells) => `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`).join('\n')
  }
}
