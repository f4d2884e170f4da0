import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'
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

export type { Command } from './start.js'

/** Read from the installed package.json (a self-reference), so it is the version npm installed. */
function packageVersion(): string {
  return (createRequire(import.meta.url)('@flashcards/workers/package.json') as { version: string }).version
}

/**
 * The `flashcard-workers` command. Returns the exit code for argument and configuration errors;
 * once workers run, the process lives until a signal and exits through the shutdown handler.
 * `--help` and `--version` load nothing else: the workers, Redis clients and SDKs are imported
 * only when a command runs.
 */
export async function runCli(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number | undefined> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
    })
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
  const { startCommand } = await import('./start.js')
  return startCommand(parsed.positionals, parsed.values.config, env)
}
