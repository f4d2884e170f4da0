import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A loopback server speaking the OpenAI chat-completions wire format (what the
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

interface ChatRequest {
  model?: string
  messages?: { role: string; content: string }[]
  response_format?: { json_schema?: { name?: string } }
}

const tokens = (text: string) => Math.ceil(text.length / 4)

export async function startFakeLlm(options: { latencyMs: number }): Promise<FakeLlm> {
  const counts: FakeLlmCounts = { calls: 0, stageA: 0, stageB: 0, promptTokens: 0, completionTokens: 0, maxInFlight: 0 }
  let inFlight = 0
  const server: Server = createServer(async (request, response) => {
    if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }))
      return
    }
    inFlight++
    counts.maxInFlight = Math.max(counts.maxInFlight, inFlight)
    try {
      const body = JSON.parse(await readBody(request)) as ChatRequest
      const messages = body.messages ?? []
      const user = [...messages].reverse().find((message) => message.role === 'user')?.content ?? ''
      const format = body.response_format?.json_schema?.name
      const answer = format === 'key_concepts' ? { concepts: conceptsFrom(user) } : format === 'flashcards' ? { cards: cardsFrom(user) } : undefined
      if (!answer) {
        response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `unknown response format ${format}` } }))
        return
      }
      const content = JSON.stringify(answer)
      const promptTokens = tokens(messages.map((message) => message.content).join('\n'))
      counts.calls++
      if (format === 'key_concepts') counts.stageA++
      else counts.stageB++
      counts.promptTokens += promptTokens
      counts.completionTokens += tokens(content)
      if (options.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, options.latencyMs))
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: `chatcmpl-bench-${counts.calls}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model ?? 'fake',
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: promptTokens, completion_tokens: tokens(content), total_tokens: promptTokens + tokens(content) },
        }),
      )
    } catch (err) {
      response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: (err as Error).message } }))
    } finally {
      inFlight--
    }
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    counts,
    resetCounts() {
      Object.assign(counts, { calls: 0, stageA: 0, stageB: 0, promptTokens: 0, completionTokens: 0, maxInFlight: 0 })
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    request.on('data', (part: Buffer) => parts.push(part))
    request.on('end', () => resolve(Buffer.concat(parts).toString('utf8')))
    request.on('error', reject)
  })
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
    .map((statement) => ({ term: statement.split(' ').slice(0, 4).join(' ').replace(/[^\p{L}\p{N} -]/gu, ''), statement }))
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
