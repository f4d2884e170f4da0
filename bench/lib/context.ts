import { join } from 'node:path'
import { ROOT } from './process.js'
import type { PrivateRedis } from './redis.js'

export interface BenchContext {
  redis: PrivateRedis
  quick: boolean
  /** `--soak`: the memory phase runs 100,000 jobs. */
  soak: boolean
  /** Scratch directory (job logs of the workers), removed at the end. */
  tmp: string
  /** corpusCourseDir(): ../shared/corpus/shell-novice beside the repository, or BENCH_CORPUS; may not exist. */
  corpusCourseDir: string
  /** `--dump DIR`: the quality phase writes every card there for hand review. */
  dumpDir?: string
  progress(message: string): void
}

export const WORKERS_CLI = 'packages/workers/dist/cli.js'
export const STUB_CONFIG = 'bench/procs/stub-provider.config.mjs'

/**
 * The bench's corpus course: BENCH_CORPUS, else shell-novice in ../shared/corpus beside the
 * repository (a git worktree elsewhere sets BENCH_CORPUS). Its sibling folders are the other
 * corpus courses. It may not exist: the phases that need it are skipped.
 */
export function corpusCourseDir(): string {
  return process.env.BENCH_CORPUS ?? join(ROOT, '..', 'shared', 'corpus', 'shell-novice')
}
