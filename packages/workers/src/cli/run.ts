import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '@flashcards/queue-core'
import { startOrchestratorWorker } from '../orchestrator/worker.js'
import { createLogger } from '../runtime/logger.js'
import type { QueueWorker } from '../runtime/types.js'
import { installShutdown } from '../runtime/shutdown.js'
import { startTranscriptionWorker } from '../transcription/index.js'
import { healthcheck } from './healthcheck.js'
import { loadHostConfig, type HostConfig } from './host-config.js'

export const USAGE = `Usage: flashcard-workers <orchestrator|transcription|all> [--config <file.mjs>]
       flashcard-workers healthcheck <orchestrator|transcription>

  orchestrator    generate flashcards (generate-module and expand-course jobs)
  transcription   turn module files into text (transcribe-module jobs)
  all             both workers in one process, for small deployments
  healthcheck     exit 0 when a worker of the queue on this host has a fresh heartbeat

  --config <file> ES module plugging in a content source, LLM provider, result hook
  --help          this text
  --version       the package version

Configuration comes from the environment (REDIS_URL, WORKER_CONCURRENCY, JOB_TIMEOUT_MS,
QUEUE_PREFIX, LLM_PROVIDER, CONTENT_DIR, …); see the package README.`

export type Command = 'orchestrator' | 'transcription' | 'all'
const COMMANDS: readonly Command[] = ['orchestrator', 'transcription', 'all']
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000

/** `SHUTDOWN_TIMEOUT_MS`: how long SIGTERM waits for in-flight jobs before exiting anyway. */
export function shutdownTimeout(env: Record<string, string | undefined>): number {
  const raw = env.SHUTDOWN_TIMEOUT_MS?.trim()
  if (!raw) return DEFAULT_SHUTDOWN_TIMEOUT_MS
  if (!/^\d+$/.test(raw) || Number(raw) < 1_000) {
    throw new ConfigError([`SHUTDOWN_TIMEOUT_MS=${JSON.stringify(raw)} is invalid: expected an integer of milliseconds, at least 1000`])
  }
  return Number(raw)
}

/** Read from the installed package.json (a self-reference), so it is the version npm installed. */
function packageVersion(): string {
  return (createRequire(import.meta.url)('@flashcards/workers/package.json') as { version: string }).version
}

/**
 * The `flashcard-workers` command. Returns the exit code for argument and configuration errors;
 * once workers run, the process lives until a signal and exits through the shutdown handler.
 */
export async function runCli(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number | undefined> {
  let parsed
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } } })
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`)
    return 2
  }
  if (parsed.values.version) {
    process.stdout.write(`${packageVersion()}\n`)
    return 0
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  if (parsed.positionals[0] === 'healthcheck') {
    try {
      return await healthcheck(parsed.positionals[1], loadConfig(env))
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`)
      return 1
    }
  }
  const command = parsed.positionals[0] as Command | undefined
  if (!command || !COMMANDS.includes(command) || parsed.positionals.length > 1) {
    process.stderr.write(`${command ? `Unknown command: ${parsed.positionals.join(' ')}` : 'Missing command'}\n\n${USAGE}\n`)
    return 2
  }

  let config
  let deadlineMs
  try {
    config = loadConfig(env)
    deadlineMs = shutdownTimeout(env)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`${err.message}\n`)
    return 1
  }
  const logger = createLogger({ name: `flashcard-workers`, debug: config.debug })
  try {
    const host: HostConfig = parsed.values.config ? await loadHostConfig(parsed.values.config, config) : {}
    const workers: QueueWorker[] = []
    if (command === 'orchestrator' || command === 'all') {
      workers.push(
        await startOrchestratorWorker({
          config,
          logger: logger.child({ role: 'orchestrator' }),
          ...(host.contentSource ? { contentSource: host.contentSource } : {}),
          ...(host.provider ? { provider: host.provider } : {}),
          ...(host.onResult ? { onResult: host.onResult } : {}),
        }),
      )
    }
    if (command === 'transcription' || command === 'all') {
      workers.push(
        await startTranscriptionWorker({
          config,
          logger: logger.child({ role: 'transcription' }),
          env,
          ...(host.speechToText ? { speechToText: host.speechToText } : {}),
        }),
      )
    }
    installShutdown(workers, { logger, deadlineMs })
    return undefined
  } catch (err) {
    logger.fatal({ err: (err as Error).message }, 'could not start the workers')
    return 1
  }
}
