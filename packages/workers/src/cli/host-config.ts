import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { HostConfigError } from '../errors.js'
import type { FlashcardConfig } from '@flashcards/queue-core'
import type { ContentSource } from '../content/types.js'
import type { ResultHook } from '../orchestrator/processor.js'
import type { LlmProvider } from '../providers/types.js'
import type { SpeechToText } from '../transcription/index.js'

/**
 * What a host's `--config` module may plug in. The module's default export is this object, or a
 * function (sync or async) that receives the loaded configuration and returns it.
 *
 * ```js
 * // workers.config.mjs
 * export default async (config) => ({
 *   contentSource: new MyCmsSource(process.env.CMS_URL),
 *   onResult: async (result) => { await saveCards(result.module_id, result.cards) },
 * })
 * ```
 */
export interface HostConfig {
  contentSource?: ContentSource
  provider?: LlmProvider
  onResult?: ResultHook
  speechToText?: SpeechToText
}

const CHECKS: Record<keyof HostConfig, (value: unknown) => boolean> = {
  contentSource: (value) => hasFunctions(value, ['listModules', 'loadModule']),
  provider: (value) => hasFunctions(value, ['extractConcepts', 'writeCards']) && typeof (value as LlmProvider).name === 'string',
  onResult: (value) => typeof value === 'function',
  speechToText: (value) => typeof value === 'object' && value !== null,
}
const EXPECTED: Record<keyof HostConfig, string> = {
  contentSource: 'an object with listModules() and loadModule()',
  provider: 'an object with name, extractConcepts() and writeCards()',
  onResult: 'a function (result, info) => Promise<void>',
  speechToText: 'a speech-to-text provider object',
}

function hasFunctions(value: unknown, names: string[]): boolean {
  return typeof value === 'object' && value !== null && names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function')
}

/** Imports and checks a `--config` module; every problem names the file and the key. */
export async function loadHostConfig(file: string, config: Readonly<FlashcardConfig>): Promise<HostConfig> {
  const path = resolve(file)
  let module: { default?: unknown }
  try {
    module = (await import(pathToFileURL(path).href)) as { default?: unknown }
  } catch (err) {
    throw new HostConfigError(`--config ${path}: cannot load the module: ${(err as Error).message}`, { cause: err })
  }
  let exported = module.default
  if (typeof exported === 'function') exported = await (exported as (config: Readonly<FlashcardConfig>) => unknown)(config)
  if (typeof exported !== 'object' || exported === null) {
    throw new HostConfigError(`--config ${path}: the default export must be an object or a function returning one (keys: ${Object.keys(CHECKS).join(', ')})`)
  }
  const problems: string[] = []
  for (const [key, value] of Object.entries(exported)) {
    if (!(key in CHECKS)) problems.push(`unknown key "${key}" (allowed: ${Object.keys(CHECKS).join(', ')})`)
    else if (value !== undefined && !CHECKS[key as keyof HostConfig](value)) problems.push(`"${key}" must be ${EXPECTED[key as keyof HostConfig]}`)
  }
  if (problems.length > 0) throw new HostConfigError(`--config ${path}: ${problems.join('; ')}`)
  return exported
}
