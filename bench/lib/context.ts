import type { PrivateRedis } from './redis.js'

export interface BenchContext {
  redis: PrivateRedis
  quick: boolean
  /** Scratch directory (job logs of the workers), removed at the end. */
  tmp: string
  /** /work/shared/corpus/shell-novice or BENCH_CORPUS; may not exist. */
  corpusCourseDir: string
  /** `--dump DIR`: the quality phase writes every card there for hand review. */
  dumpDir?: string
  progress(message: string): void
}

export const WORKERS_CLI = 'packages/workers/dist/cli.js'
export const STUB_CONFIG = 'bench/procs/stub-provider.config.mjs'
