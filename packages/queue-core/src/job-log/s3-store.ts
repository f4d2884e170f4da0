import type { S3Client } from '@aws-sdk/client-s3'
import { assertJobLogId, parseJobLog, serializeJobLog } from './document.js'
import { KeyedMutex } from './keyed-mutex.js'
import { redactText } from './redact.js'
import type { JobLogDocument, JobLogStore, JobLogWriteOptions } from './types.js'
import { JobLogStoreError } from '../errors.js'

/**
 * The AWS SDK is loaded on first use (about 100 packages): a host or worker that never touches
 * the S3 store never pays for it.
 */
const loadS3 = () => import('@aws-sdk/client-s3')
const loadPresigner = () => import('@aws-sdk/s3-request-presigner')

/** S3 allows presigned URLs of at most 7 days. */
export const MAX_LINK_SECONDS = 7 * 24 * 3600

export interface S3JobLogStoreOptions {
  bucket: string
  /** Default `us-east-1`. */
  region?: string
  /** An S3-compatible server (MinIO, R2, a test server), e.g. `http://127.0.0.1:9000`. */
  endpoint?: string
  /** Path-style addressing (`endpoint/bucket/key`), which most S3-compatible servers need. */
  forcePathStyle?: boolean
  /** A client of your own (custom credentials, retries); the store then never destroys it. */
  client?: S3Client
  /** Key prefix; default `logs/` as in the runbook. */
  prefix?: string
}

/**
 * Job logs as `s3://{bucket}/logs/{jobId}.json`. Credentials come from the AWS SDK's default chain
 * (environment, shared config/profile, web identity, container or instance role). A PutObject
 * replaces the whole object at once, so readers never see half a document; `link()` gives an
 * expiring presigned GET URL. Bound the bucket with a lifecycle rule on the `logs/` prefix.
 *
 * @example
 *   const store = new S3JobLogStore({ bucket: 'flashcard-logs', region: 'eu-west-1' })
 *   const url = await store.link(jobId, 900) // valid for 15 minutes
 */
export class S3JobLogStore implements JobLogStore {
  readonly kind = 's3' as const
  readonly bucket: string
  readonly prefix: string
  private readonly options: S3JobLogStoreOptions
  private clientPromise: Promise<S3Client> | undefined
  private readonly mutex = new KeyedMutex()

  constructor(options: S3JobLogStoreOptions) {
    if (typeof options?.bucket !== 'string' || options.bucket.trim() === '') {
      throw new TypeError('S3JobLogStore: bucket is required (S3_BUCKET)')
    }
    this.bucket = options.bucket
    this.prefix = options.prefix ?? 'logs/'
    this.options = options
    if (options.client) this.clientPromise = Promise.resolve(options.client)
  }

  /** The given client, or one made (and the SDK loaded) on first use. */
  private client(): Promise<S3Client> {
    this.clientPromise ??= loadS3().then(
      ({ S3Client }) =>
        new S3Client({
          region: this.options.region ?? 'us-east-1',
          ...(this.options.endpoint === undefined ? {} : { endpoint: this.options.endpoint }),
          forcePathStyle: this.options.forcePathStyle ?? false,
        }),
    )
    return this.clientPromise
  }

  /** The object key of a job's log (the id is validated). */
  keyFor(jobId: string): string {
    assertJobLogId(jobId)
    return `${this.prefix}${jobId}.json`
  }

  /** `s3://bucket/logs/{jobId}.json`, for messages. */
  locationOf(jobId: string): string {
    return `s3://${this.bucket}/${this.keyFor(jobId)}`
  }

  async write(doc: JobLogDocument, options?: JobLogWriteOptions): Promise<void> {
    const body = serializeJobLog(doc, options)
    await this.mutex.run(doc.jobId, () => this.put(doc.jobId, body))
  }

  async read(jobId: string): Promise<JobLogDocument | undefined> {
    const key = this.keyFor(jobId)
    let text: string
    const [client, { GetObjectCommand }] = await Promise.all([this.client(), loadS3()])
    try {
      const response = await client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }))
      text = (await response.Body?.transformToString('utf-8')) ?? ''
    } catch (err) {
      if (isNotFound(err)) return undefined
      throw s3Failure('read', this.locationOf(jobId), err)
    }
    return parseJobLog(text, jobId, this.locationOf(jobId))
  }

  /**
   * A presigned GET URL valid for `expiresInSeconds` (1 s to 7 days), or `undefined` when the job
   * has no log. The URL is a bearer credential: hand it only to the job's tenant.
   */
  async link(jobId: string, expiresInSeconds: number): Promise<string | undefined> {
    if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_LINK_SECONDS) {
      throw new RangeError(`Job log link lifetime must be an integer from 1 to ${MAX_LINK_SECONDS} seconds, got ${expiresInSeconds}`)
    }
    const key = this.keyFor(jobId)
    const [client, { GetObjectCommand, HeadObjectCommand }, { getSignedUrl }] = await Promise.all([this.client(), loadS3(), loadPresigner()])
    try {
      await client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))
    } catch (err) {
      if (isNotFound(err)) return undefined
      throw s3Failure('check', this.locationOf(jobId), err)
    }
    return getSignedUrl(client, new GetObjectCommand({ Bucket: this.bucket, Key: key, ResponseContentType: 'application/json' }), { expiresIn: expiresInSeconds })
  }

  async close(): Promise<void> {
    if (this.options.client === undefined && this.clientPromise) (await this.clientPromise).destroy()
  }

  private async put(jobId: string, body: string): Promise<void> {
    const [client, { PutObjectCommand }] = await Promise.all([this.client(), loadS3()])
    try {
      await client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.keyFor(jobId),
          Body: body,
          ContentType: 'application/json; charset=utf-8',
        }),
      )
    } catch (err) {
      throw s3Failure('write', this.locationOf(jobId), err)
    }
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } }
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404
}

/** SDK errors name neither the bucket nor the key; this one does, without any credential. */
function s3Failure(action: string, location: string, err: unknown): Error {
  const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
  return new JobLogStoreError(`Could not ${action} job log ${location}: ${redactText(reason)}`, { cause: err })
}
