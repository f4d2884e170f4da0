import { ConfigError } from '@flashcards/queue-core'
import { envInt } from '../../env-int.js'

/** The extraction sandbox's limits (README "Hostile files"). */
export interface SandboxSettings {
  /** EXTRACT_TIMEOUT_MS: wall-clock time one file's detection and extraction may take; its thread is stopped after it. */
  timeoutMs: number
  /** EXTRACT_MAX_HEAP_MB: V8 heap of each extraction thread; a file that needs more fails, the worker does not. */
  maxHeapMb: number
  /** EXTRACT_THREADS: files extracted at once by one worker process (each in its own thread). */
  threads: number
}

export const DEFAULT_SANDBOX_SETTINGS: Readonly<SandboxSettings> = Object.freeze({
  timeoutMs: 120_000,
  maxHeapMb: 512,
  threads: 2,
})

/** Reads EXTRACT_TIMEOUT_MS, EXTRACT_MAX_HEAP_MB and EXTRACT_THREADS; a bad value stops start-up naming the variable. */
export function loadSandboxSettings(env: Record<string, string | undefined> = process.env): SandboxSettings {
  const problems: string[] = []
  const d = DEFAULT_SANDBOX_SETTINGS
  const settings: SandboxSettings = {
    timeoutMs: envInt(env, 'EXTRACT_TIMEOUT_MS', { fallback: d.timeoutMs, min: 100, max: 24 * 3_600_000 }, problems),
    maxHeapMb: envInt(env, 'EXTRACT_MAX_HEAP_MB', { fallback: d.maxHeapMb, min: 32, max: 64 * 1024 }, problems),
    threads: envInt(env, 'EXTRACT_THREADS', { fallback: d.threads, min: 1, max: 64 }, problems),
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return settings
}
