import type { FlashcardConfig } from '../config/index.js'
import { LocalJobLogStore, type PruneOptions } from './local-store.js'
import { S3JobLogStore } from './s3-store.js'
import type { JobLogStore } from './types.js'

export interface CreateJobLogStoreOptions {
  /** Local store only: bound applied after writes (see `LocalJobLogStore`); `false` disables it. */
  retention?: PruneOptions | false
}

/** What `createJobLogStore` reads of the config: LOG_STORE, LOG_DIR and the S3 section. */
export interface JobLogStoreConfig {
  logs: Pick<FlashcardConfig['logs'], 'store' | 'dir'>
  s3: FlashcardConfig['s3']
}

/**
 * The store `LOG_STORE` selects: `local` → `LocalJobLogStore({ dir: LOG_DIR })`,
 * `s3` → `S3JobLogStore` on `S3_BUCKET` / `S3_REGION` / `S3_ENDPOINT` / `S3_FORCE_PATH_STYLE`.
 *
 * @example
 *   const store = createJobLogStore(loadConfig())
 */
export function createJobLogStore(config: JobLogStoreConfig, options: CreateJobLogStoreOptions = {}): JobLogStore {
  if (config.logs.store === 's3') {
    const { bucket, region, endpoint, forcePathStyle } = config.s3
    if (!bucket) throw new TypeError('LOG_STORE=s3 needs S3_BUCKET: set it to the bucket that receives job logs')
    return new S3JobLogStore({ bucket, region, forcePathStyle, ...(endpoint === undefined ? {} : { endpoint }) })
  }
  if (config.logs.store !== 'local') throw new TypeError(`Unknown LOG_STORE ${JSON.stringify(config.logs.store)}: expected local or s3`)
  return new LocalJobLogStore({ dir: config.logs.dir, ...(options.retention === undefined ? {} : { retention: options.retention }) })
}
