import type { FlashcardConfig } from '../config/index.js'
import { LocalJobLogStore, type PruneOptions } from './local-store.js'
import { S3JobLogStore } from './s3-store.js'
import type { JobLogStore } from './types.js'

export interface CreateJobLogStoreOptions {
  /** Local store only: bound applied after writes (see `LocalJobLogStore`); `false` disables it. */
  retention?: PruneOptions | false
}

/**
 * The store `LOG_STORE` selects: `local` → `LocalJobLogStore({ dir: LOG_DIR })`,
 * `s3` → `S3JobLogStore` on `S3_BUCKET` / `S3_REGION` / `S3_ENDPOINT` / `S3_FORCE_PATH_STYLE`.
 *
 * @example
 *   const store = createJobLogStore(loadConfig())
 */
export function createJobLogStore(config: Pick<FlashcardConfig, 'logStore' | 'logDir' | 's3'>, options: CreateJobLogStoreOptions = {}): JobLogStore {
  if (config.logStore === 's3') {
    const { bucket, region, endpoint, forcePathStyle } = config.s3
    if (!bucket) throw new TypeError('LOG_STORE=s3 needs S3_BUCKET: set it to the bucket that receives job logs')
    return new S3JobLogStore({ bucket, region, forcePathStyle, ...(endpoint === undefined ? {} : { endpoint }) })
  }
  if (config.logStore !== 'local') throw new TypeError(`Unknown LOG_STORE ${JSON.stringify(config.logStore)}: expected local or s3`)
  return new LocalJobLogStore({ dir: config.logDir, ...(options.retention === undefined ? {} : { retention: options.retention }) })
}
