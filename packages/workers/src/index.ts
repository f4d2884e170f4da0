/**
 * @flashcards/workers: the orchestrator and transcription workers of the flashcard job system,
 * their runtime, LLM providers and content sources. See README.md for the `flashcard-workers` bin.
 */
export * from './runtime/index.js'
export * from './content/index.js'
export * from './providers/index.js'
export * from './pipeline/index.js'
export * from './orchestrator/index.js'
export { loadHostConfig, type HostConfig } from './cli/host-config.js'
export { runCli, USAGE } from './cli/run.js'
export type { Command } from './cli/start.js'
export {
  extractText,
  detectType,
  htmlToMarkdown,
  HTML_LIMITS,
  EXTRACT_LIMITS,
  ExtractionError,
  type ExtractedDocument,
  type DocumentFormat,
  type TimedSegment,
  type FileHint,
  type HtmlToMarkdownOptions,
  type TextExtractor,
} from './extract/index.js'
export { ExtractionSandbox, type SandboxSettings, type Analysis } from './extract/sandbox/index.js'
export { startTranscriptionWorker, type TranscriptionWorkerOptions, type SpeechToText } from './transcription/index.js'
export * from './webhooks/index.js'
