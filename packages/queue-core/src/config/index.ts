/** The environment, read once: `loadConfig` and the types of its sections. */
export { loadConfig } from './load.js'
export { SECRET_ENV_VARS } from './secrets.js'
export type { ExtractSettings, FlashcardConfig, LlmProviderKind, LlmSettings, LogStoreKind, TranscriptionSettings } from './types.js'
