/** Fake LLM servers in the real wire formats, and the deterministic answers they give. */
export { fakeGemini, fakeOpenAi, modelAnswer, geminiRateLimited, type FakeLlm, type LlmRequest, type Reply, type Script, type TokenUsage } from './fake-llm.js'
export { gatedOpenAi, type GatedLlm } from './gated.js'
