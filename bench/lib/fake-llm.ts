import { setTimeout as sleep } from 'node:timers/promises'
import { fakeOpenAi, type Reply } from '@flashcards/test-support/llm'

/**
 * The shared fake OpenAI-compatible server (`@flashcards/test-support/llm`, the wire format the
 * `openai-compatible` provider sends: json_schema response formats `key_concepts` and
 * `flashcards`). It answers after a fixed latency with concepts and cards taken from the prompt's
 * own text, and counts every call and token, so the bench can measure cost and scaling without a
 * model. Its cards are mechanical: they exercise the harness, they say nothing of a model's quality.
 */
export interface FakeLlm {
  baseUrl: string
  counts: FakeLlmCounts
  resetCounts(): void
  close(): Promise<void>
}

export interface FakeLlmCounts {
  calls: number
  stageA: number
  stageB: number
  promptTokens: number
  completionTokens: number
  /** Most requests in flight at once: shows whether the workers really overlapped their calls. */
  maxInFlight: number
}

const tokens = (text: string) => Math.ceil(text.length / 4)

export async function startFakeLlm(options: { latencyMs: number }): Promise<FakeLlm> {
  const counts: FakeLlmCounts = { calls: 0, stageA: 0, stageB: 0, promptTokens: 0, completionTokens: 0, maxInFlight: 0 }
  let inFlight = 0
  const fake = await fakeOpenAi(async (request): Promise<Reply> => {
    const body = request.body as { messages?: { content: string }[]; response_format?: { json_schema?: { name?: string } } }
    const format = body.response_format?.json_schema?.name
    const answer = format === 'key_concepts' ? { concepts: conceptsFrom(request.prompt) } : format === 'flashcards' ? { cards: cardsFrom(request.prompt) } : undefined
    if (!answer) return { kind: 'error', status: 400, body: { error: { message: `unknown response format ${format}` } } }
    inFlight++
    counts.maxInFlight = Math.max(counts.maxInFlight, inFlight)
    try {
      const text = JSON.stringify(answer)
      const usage = { prompt: tokens((body.messages ?? []).map((message) => message.content).join('\n')), completion: tokens(text) }
      counts.calls++
      if (format === 'key_concepts') counts.stageA++
      else counts.stageB++
      counts.promptTokens += usage.prompt
      counts.completionTokens += usage.completion
      if (options.latencyMs > 0) await sleep(options.latencyMs)
      return { kind: 'answer', text, usage }
    } finally {
      inFlight--
    }
  })
  return {
    baseUrl: `${fake.url}/v1`,
    counts,
    resetCounts() {
      Object.assign(counts, { calls: 0, stageA: 0, stageB: 0, promptTokens: 0, completionTokens: 0, maxInFlight: 0 })
    },
    close: () => fake.close(),
  }
}

/** Sentences of prose, code blocks left out. */
export function sentencesOf(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, ' ')
  return prose
    .split(/(?<=[.!?])\s+|\n{2,}/)
    .map((sentence) => sentence.replace(/\s+/g, ' ').trim())
    .filter((sentence) => sentence.split(' ').length >= 5 && sentence.length <= 400)
}

/** Stage A: the chunk sits between the "Section:" line and the "List at most" instruction. */
function conceptsFrom(prompt: string): { term: string; statement: string }[] {
  const start = prompt.indexOf('\n', prompt.indexOf('Section:'))
  const end = prompt.lastIndexOf('\nList at most')
  const chunk = start >= 0 && end > start ? prompt.slice(start, end) : prompt
  return sentencesOf(chunk)
    .slice(0, 12)
    .map((statement) => ({
      term: statement
        .split(' ')
        .slice(0, 4)
        .join(' ')
        .replace(/[^\p{L}\p{N} -]/gu, ''),
      statement,
    }))
    .filter((concept) => concept.term !== '')
}

/** Stage B: one card per listed concept, alternating basic and cloze when both are asked for, up to the target. */
function cardsFrom(prompt: string): { type: 'basic' | 'cloze'; front: string; back: string; chunk_id: string }[] {
  const target = Number(/Write (\d+) flashcards/.exec(prompt)?.[1] ?? 10)
  const cloze = /of types [^,]*cloze/.test(prompt)
  const basic = /of types [^,]*basic/.test(prompt) || !cloze
  const concepts: { chunk_id: string; term: string; statement: string }[] = []
  for (const section of prompt.split('### chunk_id: ').slice(1)) {
    const chunk_id = section.slice(0, section.indexOf('\n')).trim()
    const list = section.slice(section.lastIndexOf('\nConcepts:\n') + 11)
    for (const line of list.split('\n')) {
      const match = /^- ([^:]+): (.+)$/.exec(line)
      if (match) concepts.push({ chunk_id, term: match[1]!, statement: match[2]! })
    }
  }
  return concepts.slice(0, target).map((concept, index) => {
    if (cloze && (!basic || index % 2 === 1)) {
      const key = longestWord(concept.statement)
      return { type: 'cloze', front: concept.statement.replace(key, `{{c1::${key}}}`), back: key, chunk_id: concept.chunk_id }
    }
    return { type: 'basic', front: `What does the material say about "${concept.term}"?`, back: concept.statement, chunk_id: concept.chunk_id }
  })
}

function longestWord(sentence: string): string {
  return sentence.split(/[^\p{L}\p{N}_-]+/u).reduce((best, word) => (word.length > best.length ? word : best), '')
}
