import { DEFAULTS } from '../defaults.js'
import { randomUUID } from 'node:crypto'
import { mkdirSync, promises as fs, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { assertJobLogId, parseJobLog, serializeJobLog } from './document.js'
import { KeyedMutex } from './keyed-mutex.js'
import type { JobLogDocument, JobLogStore, JobLogWriteOptions } from './types.js'

/** The runbook's location (`LOG_DIR` overrides it), relative to the working directory. */
export const DEFAULT_LOG_DIR = DEFAULTS.logDir

/** How many logs the local store keeps when nothing else is said: a week, at most 10,000 files. */
export const DEFAULT_LOG_RETENTION: Required<PruneOptions> = { maxAgeMs: 7 * 24 * 3_600_000, maxFiles: 10_000 }

/** A temp file younger than this may belong to a write in progress (in any process) and is left alone. */
export const TEMP_FILE_GRACE_MS = 60_000

/** At most one automatic prune per interval, so a busy worker does not list the directory on every write. */
const AUTO_PRUNE_INTERVAL_MS = 60_000

export interface PruneOptions {
  /** Logs last written longer ago than this are removed. */
  maxAgeMs?: number
  /** At most this many logs are kept; the least recently written go first. */
  maxFiles?: number
}

export interface PruneResult {
  /** Job ids whose logs were removed. */
  removed: string[]
  /** Temp files left by writes that never finished (a crash between write and rename). */
  removedTempFiles: number
  /** Logs left. */
  kept: number
}

export interface LocalJobLogStoreOptions {
  /** Directory of `{jobId}.json` files, created on first write. Default `server/tmp/logs`. */
  dir?: string
  /**
   * Bound applied automatically after writes (at most once a minute); `false` leaves pruning to
   * explicit `prune()` calls. Default {@link DEFAULT_LOG_RETENTION}.
   */
  retention?: PruneOptions | false
}

const LOG_FILE = /^([\w-]{1,128})\.json$/
const TEMP_FILE = /^\.[\w-]{1,128}\.[0-9a-f]{8}\.tmp$/

/**
 * Job logs as `{dir}/{jobId}.json`. Every write goes to a temp file in the same directory, is
 * fsynced, then renamed over the log, so a reader (or a crash) only ever sees the old or the new
 * document, never half of one. A write with `durable: false` (an attempt's start, which its end
 * rewrites) skips the fsync and is done with synchronous calls (see `replaceNow`): a killed worker
 * still leaves it whole, and only a power cut could leave it empty, which the next attempt reads as
 * corrupt and replaces with a warning entry.
 * Writes of one job through one store object are serialised. The directory is not fsynced: the
 * rename is atomic either way, and after a power cut a log may at worst come back as its previous
 * version, which is not worth a second fsync on every write.
 *
 * @example
 *   const store = new LocalJobLogStore({ dir: 'server/tmp/logs', retention: { maxAgeMs: 86_400_000, maxFiles: 500 } })
 *   const doc = await store.read(jobId)
 */
export class LocalJobLogStore implements JobLogStore {
  readonly kind = 'local' as const
  /** Absolute directory. */
  readonly dir: string
  private readonly retention: PruneOptions | false
  private readonly mutex = new KeyedMutex()
  private lastAutoPrune = 0
  private pruning: Promise<unknown> | undefined

  constructor(options: LocalJobLogStoreOptions = {}) {
    if (options.dir !== undefined && (typeof options.dir !== 'string' || options.dir.trim() === '')) {
      throw new TypeError('LocalJobLogStore: dir must be a non-empty path')
    }
    this.dir = resolve(options.dir ?? DEFAULT_LOG_DIR)
    this.retention = options.retention === undefined ? DEFAULT_LOG_RETENTION : options.retention
    if (this.retention) checkPruneOptions(this.retention)
  }

  /** Where a job's log lives (the id is validated: no path can escape the directory). */
  pathFor(jobId: string): string {
    assertJobLogId(jobId)
    return join(this.dir, `${jobId}.json`)
  }

  async write(doc: JobLogDocument, options?: JobLogWriteOptions): Promise<void> {
    const body = serializeJobLog(doc, options)
    await this.mutex.run(doc.jobId, () => this.replace(doc.jobId, body, options?.durable !== false))
    this.autoPrune()
  }

  async read(jobId: string): Promise<JobLogDocument | undefined> {
    const path = this.pathFor(jobId)
    let text: string
    try {
      text = await fs.readFile(path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
    return parseJobLog(text, jobId, path)
  }

  /**
   * Removes logs older than `maxAgeMs`, then the least recently written beyond `maxFiles`, and temp
   * files older than a minute (left by a crash between write and rename). Safe to run while other
   * processes write: a log rewritten meanwhile is simply recreated.
   */
  async prune(options: PruneOptions = this.retention || {}): Promise<PruneResult> {
    checkPruneOptions(options)
    let names: string[]
    try {
      names = await fs.readdir(this.dir)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { removed: [], removedTempFiles: 0, kept: 0 }
      throw err
    }
    const now = Date.now()
    const logs: { jobId: string; mtimeMs: number }[] = []
    let removedTempFiles = 0
    for (const name of names) {
      const log = LOG_FILE.exec(name)
      if (!log && !TEMP_FILE.test(name)) continue
      const stat = await statOrUndefined(join(this.dir, name))
      if (!stat?.isFile()) continue
      if (log) logs.push({ jobId: log[1] as string, mtimeMs: stat.mtimeMs })
      else if (now - stat.mtimeMs > TEMP_FILE_GRACE_MS && (await removeFile(join(this.dir, name)))) removedTempFiles++
    }
    logs.sort((a, b) => b.mtimeMs - a.mtimeMs)
    const doomed = logs.filter(
      (log, index) => (options.maxAgeMs !== undefined && now - log.mtimeMs > options.maxAgeMs) || (options.maxFiles !== undefined && index >= options.maxFiles),
    )
    const removed: string[] = []
    for (const { jobId } of doomed) {
      if (await removeFile(join(this.dir, `${jobId}.json`))) removed.push(jobId)
    }
    return { removed, removedTempFiles, kept: logs.length - removed.length }
  }

  /** Resolves once a running automatic prune has finished (for orderly shutdown). */
  async close(): Promise<void> {
    await this.pruning
  }

  private async replace(jobId: string, body: string, durable: boolean): Promise<void> {
    const temp = join(this.dir, `.${jobId}.${randomUUID().slice(0, 8)}.tmp`)
    if (!durable) return this.replaceNow(jobId, temp, body)
    try {
      const file = await this.createTemp(temp)
      try {
        await file.writeFile(body, 'utf8')
        await file.sync()
      } finally {
        await file.close()
      }
      await fs.rename(temp, join(this.dir, `${jobId}.json`))
    } catch (err) {
      await removeFile(temp)
      throw err
    }
  }

  /**
   * A write that is not fsynced (an attempt's start), done with synchronous calls: without the
   * fsync, its open, write, close and rename only reach the page cache and take microseconds each,
   * less than the four round trips through libuv's thread pool they replace (each wakes a pool
   * thread and then the event loop, which on a busy machine costs more than the call itself).
   */
  private replaceNow(jobId: string, temp: string, body: string): void {
    try {
      try {
        writeFileSync(temp, body, { encoding: 'utf8', flag: 'wx', mode: 0o600 })
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
        mkdirSync(this.dir, { recursive: true })
        writeFileSync(temp, body, { encoding: 'utf8', flag: 'wx', mode: 0o600 })
      }
      renameSync(temp, join(this.dir, `${jobId}.json`))
    } catch (err) {
      try {
        unlinkSync(temp)
      } catch {
        // Never created, or already gone.
      }
      throw err
    }
  }

  /** The directory is created on the first write that finds it missing, not checked on every write. */
  private async createTemp(temp: string): Promise<fs.FileHandle> {
    // 0o600: logs hold job content; only the worker's user reads them.
    try {
      return await fs.open(temp, 'wx', 0o600)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      await fs.mkdir(this.dir, { recursive: true })
      return fs.open(temp, 'wx', 0o600)
    }
  }

  private autoPrune(): void {
    if (!this.retention || this.pruning || Date.now() - this.lastAutoPrune < AUTO_PRUNE_INTERVAL_MS) return
    this.lastAutoPrune = Date.now()
    // Pruning is housekeeping: a failure must not fail the write that triggered it; the next one retries.
    this.pruning = this.prune(this.retention)
      .catch(() => undefined)
      .finally(() => {
        this.pruning = undefined
      })
  }
}

function checkPruneOptions(options: PruneOptions): void {
  for (const name of ['maxAgeMs', 'maxFiles'] as const) {
    const value = options[name]
    if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
      throw new TypeError(`Job log retention ${name} must be a non-negative integer, got ${String(value)}`)
    }
  }
}

async function statOrUndefined(path: string) {
  try {
    return await fs.stat(path)
  } catch {
    return undefined
  }
}

async function removeFile(path: string): Promise<boolean> {
  try {
    await fs.unlink(path)
    return true
  } catch {
    return false
  }
}
