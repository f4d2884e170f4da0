/**
 * An OpenAI-compatible fake model whose answers wait behind a gate: a test holds every request
 * (so it knows jobs are in flight and stay there), then opens the gate and the held requests are
 * answered with `modelAnswer`.
 */
import { fakeOpenAi, modelAnswer } from './fake-llm.js'

export interface GatedLlm {
  /** Base URL for OPENAI_BASE_URL (ends in /v1). */
  baseUrl: string
  /** Requests received so far (answered or held). */
  readonly received: number
  /** Requests held right now (a request whose client went away is no longer held). */
  held(): number
  /** Answers every held request and every later one at once. */
  open(): void
  close(): Promise<void>
}

export async function gatedOpenAi(): Promise<GatedLlm> {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  const waiting = new Set<AbortSignal>()
  const fake = await fakeOpenAi(async (request, _index, closed) => {
    waiting.add(closed)
    await opened
    waiting.delete(closed)
    return { kind: 'answer', text: modelAnswer(request) }
  })
  return {
    baseUrl: `${fake.url}/v1`,
    get received() {
      return fake.requests.length
    },
    held: () => [...waiting].filter((closed) => !closed.aborted).length,
    open,
    close: () => fake.close(),
  }
}
