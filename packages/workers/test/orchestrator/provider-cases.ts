import { fakeGemini, fakeOpenAi, geminiRateLimited, type FakeLlm, type LlmRequest, type Reply } from '@flashcards/test-support/llm'

/** The two wire formats every provider test runs over: Gemini's generateContent and OpenAI's chat completions. */
export interface ProviderCase {
  name: string
  serve(script: (request: LlmRequest, index: number) => Reply): Promise<FakeLlm>
  env(url: string): Record<string, string>
  keyVariable: RegExp
  rateLimited(seconds: number): Reply
  dailyQuota: Reply
  unauthorized: Reply
  checkWire(t: Pick<typeof import('tap').default, 'match' | 'equal' | 'type'>, request: LlmRequest): void
}

export const CASES: ProviderCase[] = [
  {
    name: 'gemini',
    serve: fakeGemini,
    env: (url) => ({ LLM_PROVIDER: 'gemini', GEMINI_API_KEY: 'test-gemini-key', GEMINI_BASE_URL: url, GEMINI_MODEL: 'gemini-test' }),
    keyVariable: /GEMINI_API_KEY/,
    rateLimited: (seconds) => geminiRateLimited(seconds),
    dailyQuota: geminiRateLimited(1, 'GenerateRequestsPerDayPerProjectPerModel-FreeTier'),
    unauthorized: { kind: 'error', status: 401, body: { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } } },
    checkWire(t, request) {
      t.match(request.path, /^\/v1beta\/models\/gemini-test:generateContent/, 'generateContent of the configured model')
      t.equal(request.headers['x-goog-api-key'], 'test-gemini-key', 'key sent in x-goog-api-key')
      const config = request.body.generationConfig as Record<string, unknown>
      t.equal(config.responseMimeType, 'application/json', 'structured JSON output')
      t.type(config.responseJsonSchema, 'object', 'with a response schema')
    },
  },
  {
    name: 'openai-compatible',
    serve: fakeOpenAi,
    env: (url) => ({ LLM_PROVIDER: 'openai-compatible', OPENAI_BASE_URL: `${url}/v1`, OPENAI_API_KEY: 'test-openai-key', OPENAI_MODEL: 'llama-test' }),
    keyVariable: /OPENAI_API_KEY/,
    rateLimited: (seconds) => ({
      kind: 'error',
      status: 429,
      headers: { 'retry-after': String(seconds) },
      body: { error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } },
    }),
    dailyQuota: { kind: 'error', status: 429, body: { error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' } } },
    unauthorized: { kind: 'error', status: 401, body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } } },
    checkWire(t, request) {
      t.equal(request.path, '/v1/chat/completions', 'chat completions under the /v1 base URL')
      t.equal(request.headers.authorization, 'Bearer test-openai-key', 'bearer key')
      t.equal(request.body.model, 'llama-test')
      const format = request.body.response_format as { type: string; json_schema: { strict: boolean; schema: unknown } }
      t.equal(format.type, 'json_schema', 'JSON-schema response format')
      t.equal(format.json_schema.strict, true)
    },
  },
]

export function lesson(tag: string, sections = 2): string {
  const parts = [`# Payroll basics ${tag}`]
  const facts = [
    'A payslip is the monthly statement of what an employee earned and what was deducted.',
    'Gross pay is the amount earned before tax and other deductions are taken off.',
    'Net pay is the amount paid into the bank account after every deduction.',
  ]
  for (let i = 0; i < sections; i++) parts.push(`## Part ${i + 1}\n\n${facts[i % facts.length]} It matters for ${tag}.`)
  return parts.join('\n\n')
}
