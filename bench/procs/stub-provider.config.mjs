// `flashcard-workers orchestrator --config bench/procs/stub-provider.config.mjs`: an instant LLM
// provider, so the bench measures the worker (runtime, pipeline, Redis) and not a model.
// Its concept is the chunk's first sentence and its card asks for that sentence: grounded, so
// the pipeline's validation keeps it and does its full work.

const NO_USAGE = { inputTokens: 0, outputTokens: 0 }

function firstSentence(text) {
  const prose = text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .join(' ')
  return (prose.split(/(?<=\.)\s/)[0] ?? prose).trim()
}

/** @type {import('@flashcards/workers').LlmProvider} */
const provider = {
  name: 'bench-stub',
  model: 'instant',
  promptVersion: '1',
  async extractConcepts({ chunk }) {
    const statement = firstSentence(chunk.text)
    return { value: [{ term: statement.split(' ').slice(0, 3).join(' '), statement, kind: 'fact' }], usage: NO_USAGE, calls: 1, raw: null }
  },
  async writeCards({ concepts }) {
    const cards = concepts.map((concept) => ({ type: 'basic', front: `What is stated about ${concept.term}?`, back: concept.statement, chunk_id: concept.chunk_id }))
    return { value: cards, usage: NO_USAGE, calls: 1, raw: null }
  },
}

export default { provider }
