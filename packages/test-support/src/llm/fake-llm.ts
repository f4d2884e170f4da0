/**
 * Fake LLM servers on loopback speaking the real wire formats (Gemini's generateContent, OpenAI's
 * chat completions), answering from a script: a JSON text, an HTTP error, or no answer at all.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What a fake model is asked: which stage (by the response schema) and the prompt text. */
export interface LlmRequest {
  stage: 'stageA' | 'stageB'
  prompt: string
  body: Record<string, unknown>
  headers: IncomingMessage['headers']
  path: string
}

/** A scripted reply: a JSON text the fake model "writes" (with its token usage), or an HTTP error in the real wire format. */
export type Reply = { kind: 'answer'; text: string; usage?: TokenUsage } | { kind: 'error'; status: number; body: unknown; headers?: Record<string, string> } | { kind: 'hang' }

export interface TokenUsage {
  prompt: number
  completion: number
}

/**
 * Answers the `index`th request. A script may take its time (a gate, a latency): `closed` aborts
 * when the client gives up on the request first.
 */
export type Script = (request: LlmRequest, index: number, closed: AbortSignal) => Reply | Promise<Reply>

export interface FakeLlm {
  url: string
  requests: LlmRequest[]
  /** Requests whose connection the client closed before an answer was sent. */
  aborted: number
  close(): Promise<void>
}

/**
 * A deterministic fake model: stage A names the first sentence of every paragraph of the material
 * as a concept (the first line when no paragraph has a sentence), stage B asks one question per
 * chunk whose answer is that chunk's first sentence, so every card is grounded.
 */
export function modelAnswer(request: LlmRequest): string {
  if (request.stage === 'stageA') {
    const start = request.prompt.indexOf('\n\n') + 2
    const end = request.prompt.lastIndexOf('\n\nList at most')
    const paragraphs = request.prompt.slice(start, end > start ? end : undefined).split('\n\n')
    const firstSentence = (text: string) => (text.split(/(?<=\.)\s/)[0] ?? text).trim()
    const statements = paragraphs.filter((paragraph) => /\.(?:\s|$)/.test(paragraph)).map(firstSentence)
    const concepts = (statements.length > 0 ? statements : [firstSentence(paragraphs[0] ?? request.prompt)]).map((statement) => ({
      term: statement.split(' ').slice(0, 3).join(' '),
      statement,
    }))
    return JSON.stringify({ concepts })
  }
  const cards = [...request.prompt.matchAll(/### chunk_id: (\S+)\n([^\n]+)\n\n([^\n]+)/g)].map(([, id, heading, text]) => ({
    type: 'basic',
    front: `What does the section "${heading}" (${id}) say first?`,
    back: (text!.split(/(?<=\.)\s/)[0] ?? text!).trim(),
    chunk_id: id,
  }))
  return JSON.stringify({ cards })
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = []
  for await (const part of req) parts.push(part as Buffer)
  return JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>
}

type Handler = (req: IncomingMessage, res: ServerResponse, fake: FakeLlm, closed: AbortSignal) => Promise<void>

async function listen(handler: Handler): Promise<FakeLlm> {
  const server = createServer()
  const fake: FakeLlm = {
    url: '',
    requests: [],
    aborted: 0,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  server.on('request', (req, res) => {
    const closed = new AbortController()
    res.on('close', () => {
      if (res.writableFinished) return
      fake.aborted++
      closed.abort()
    })
    handler(req, res, fake, closed.signal).catch((err: Error) => {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: err.message } }))
    })
  })
  // Workers keep their connections to a model: so does a real server, longer than Node's 5 s.
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return fake
}

const DEFAULT_USAGE: TokenUsage = { prompt: 100, completion: 20 }

function send(res: ServerResponse, reply: Reply, ok: (text: string, usage: TokenUsage) => unknown): void {
  if (reply.kind === 'hang') return
  if (reply.kind === 'error') {
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(JSON.stringify(reply.body))
    return
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(ok(reply.text, reply.usage ?? DEFAULT_USAGE)))
}

/** `POST /v1beta/models/{model}:generateContent` as the Gemini API speaks it. */
export function fakeGemini(script: Script): Promise<FakeLlm> {
  return listen(async (req, res, fake, closed) => {
    const body = await readBody(req)
    const config = (body.generationConfig ?? {}) as { responseJsonSchema?: { properties?: Record<string, unknown> } }
    const contents = (body.contents ?? []) as { parts: { text: string }[] }[]
    const request: LlmRequest = {
      stage: config.responseJsonSchema?.properties?.cards ? 'stageB' : 'stageA',
      prompt: contents[0]?.parts[0]?.text ?? '',
      body,
      headers: req.headers,
      path: req.url ?? '',
    }
    fake.requests.push(request)
    send(res, await script(request, fake.requests.length - 1, closed), (text, usage) => ({
      candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: usage.prompt, candidatesTokenCount: usage.completion, totalTokenCount: usage.prompt + usage.completion },
      modelVersion: 'gemini-test',
    }))
  })
}

/** What a chat-completions body asks for: the stage (by its response schema's name) and the prompt. */
function chatRequest(body: Record<string, unknown>, headers: LlmRequest['headers'], path: string): LlmRequest {
  const format = body.response_format as { json_schema?: { name?: string } } | undefined
  const messages = (body.messages ?? []) as { role: string; content: string }[]
  return {
    stage: format?.json_schema?.name === 'flashcards' ? 'stageB' : 'stageA',
    prompt: messages.find((message) => message.role === 'user')?.content ?? '',
    body,
    headers,
    path,
  }
}

/** `POST /v1/chat/completions` as OpenAI-compatible servers speak it. */
export function fakeOpenAi(script: Script): Promise<FakeLlm> {
  return listen(async (req, res, fake, closed) => {
    const request = chatRequest(await readBody(req), req.headers, req.url ?? '')
    fake.requests.push(request)
    send(res, await script(request, fake.requests.length - 1, closed), (text, usage) => ({
      id: `chatcmpl-${fake.requests.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion },
    }))
  })
}

/** Gemini's 429 with QuotaFailure and RetryInfo, as the real API sends it. */
export function geminiRateLimited(retryDelaySeconds: number, quotaId = 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier'): Reply {
  return {
    kind: 'error',
    status: 429,
    body: {
      error: {
        code: 429,
        message: 'You exceeded your current quota, please check your plan and billing details.',
        status: 'RESOURCE_EXHAUSTED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
            violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests', quotaId }],
          },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryDelaySeconds}s` },
        ],
      },
    },
  }
}
