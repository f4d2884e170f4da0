/**
 * An OpenAI-compatible chat-completions server on loopback whose answers wait behind a gate: a
 * test holds every request (so it knows jobs are in flight and stay there), then opens the gate
 * and the held requests are answered, in the real wire format, with the workers' deterministic
 * fake-model answers.
 */
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chatRequest, modelAnswer } from '../../packages/workers/test/orchestrator/llm-servers.js'

export interface GatedLlm {
  /** Base URL for OPENAI_BASE_URL (ends in /v1). */
  baseUrl: string
  /** Requests received so far (answered or held). */
  received: number
  /** Requests held right now. */
  held(): number
  /** Answers every held request and every later one at once. */
  open(): void
  close(): Promise<void>
}

export async function gatedOpenAi(): Promise<GatedLlm> {
  let isOpen = false
  const waiting: (() => void)[] = []
  const server = createServer(async (req, res) => {
    const parts: Buffer[] = []
    for await (const part of req) parts.push(part as Buffer)
    const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>
    gate.received++
    const answer = () => reply(res, body)
    if (isOpen) answer()
    else {
      waiting.push(answer)
      res.on('close', () => {
        const index = waiting.indexOf(answer)
        if (index >= 0) waiting.splice(index, 1)
      })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const gate: GatedLlm = {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    received: 0,
    held: () => waiting.length,
    open() {
      isOpen = true
      for (const answer of waiting.splice(0)) answer()
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  return gate
}

function reply(res: ServerResponse, body: Record<string, unknown>): void {
  const request = chatRequest(body, {}, '/v1/chat/completions')
  res.writeHead(200, { 'content-type': 'application/json' }).end(
    JSON.stringify({
      id: 'chatcmpl-gated',
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: modelAnswer(request) }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
    }),
  )
}
