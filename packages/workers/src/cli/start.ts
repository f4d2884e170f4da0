import { ConfigError, loadConfig, type FlashcardConfig } from '@flashcards/queue-core'
import { startOrchestratorWorker } from '../orchestrator/worker.js'
import { createLogger, type Logger } from '../runtime/logger.js'
import type { QueueWorker } from '../runtime/types.js'
import { installShutdown } from '../runtime/shutdown.js'
import { startTranscriptionWorker } from '../transcription/index.js'
import { healthcheck } from './healthcheck.js'
import { loadHostConfig, type HostConfig } from './host-config.js'
import { USAGE } from './run.js'

export type Command = 'orchestrator' | 'transcription' | 'all'
type Role = Exclude<Command, 'all'>
const COMMANDS: readonly Command[] = ['orchestrator', 'transcription', 'all']

/** Each role's worker with what the host's `--config` module plugs into it (a missing key keeps the worker's own default). */
const STARTERS: Record<Role, (config: FlashcardConfig, logger: Logger, host: HostConfig) => Promise<QueueWorker>> = {
  orchestrator: (config, logger, host) => startOrchestratorWorker({ config, logger, contentSource: host.contentSource, provider: host.provider, onResult: host.onResult }),
  transcription: (config, logger, host) => startTranscriptionWorker({ config, logger, speechToText: host.speechToText }),
}

/** Runs a parsed command line (help and version are handled before this module loads). */
export async function startCommand(positionals: string[], configFile: string | undefined, env: Record<string, string | undefined>): Promise<number | undefined> {
  if (positionals[0] === 'healthcheck') {
    try {
      return await healthcheck(positionals[1], loadConfig(env))
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`)
      return 1
    }
  }
  const command = positionals[0] as Command | undefined
  if (!command || !COMMANDS.includes(command) || positionals.length > 1) {
    process.stderr.write(`${command ? `Unknown command: ${positionals.join(' ')}` : 'Missing command'}\n\n${USAGE}\n`)
    return 2
  }
  let config
  try {
    config = loadConfig(env)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`${err.message}\n`)
    return 1
  }
  return startWorkers(command === 'all' ? ['orchestrator', 'transcription'] : [command], config, configFile)
}

async function startWorkers(roles: Role[], config: FlashcardConfig, configFile: string | undefined): Promise<number | undefined> {
  const logger = createLogger({ name: `flashcard-workers`, debug: config.logs.debug })
  // Until every worker is up (each waits for Redis), a stop signal ends the process at once:
  // no job has been taken yet, and waiting out a Redis outage would only delay the stop.
  const stopEarly = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'stopped before the workers started')
    process.exit(0)
  }
  process.once('SIGTERM', stopEarly)
  process.once('SIGINT', stopEarly)
  try {
    const host: HostConfig = configFile ? await loadHostConfig(configFile, config) : {}
    const workers: QueueWorker[] = []
    for (const role of roles) workers.push(await STARTERS[role](config, logger.child({ role }), host))
    process.off('SIGTERM', stopEarly)
    process.off('SIGINT', stopEarly)
    installShutdown(workers, { logger, deadlineMs: config.worker.shutdownTimeoutMs })
    return undefined
  } catch (err) {
    logger.fatal({ err: (err as Error).message }, 'could not start the workers')
    return 1
  }
}
