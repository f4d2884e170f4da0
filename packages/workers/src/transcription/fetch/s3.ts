import type { S3Client } from '@aws-sdk/client-s3'
import type { FlashcardConfig } from '@flashcards/queue-core'
import { permanent, transient } from '../errors.js'
import { lastSegment, type FetchedFile } from './types.js'

/** The AWS SDK, loaded at the first s3:// file: workers that never see one never load it. */
const loadS3 = () => import('@aws-sdk/client-s3')

/** An S3 client for file sources: S3_REGION, S3_ENDPOINT and S3_FORCE_PATH_STYLE, credentials from the AWS chain. */
export async function createS3Client(config: Readonly<FlashcardConfig>): Promise<S3Client> {
  const { S3Client } = await loadS3()
  return new S3Client({
    region: config.s3.region,
    ...(config.s3.endpoint ? { endpoint: config.s3.endpoint } : {}),
    forcePathStyle: config.s3.forcePathStyle,
  })
}

/** Downloads `s3://bucket/key`, refusing objects over `maxBytes` before reading them. */
export async function fetchS3(url: URL, client: S3Client, maxBytes: number, signal: AbortSignal): Promise<FetchedFile> {
  const bucket = url.hostname
  const key = decodeURIComponent(url.pathname.replace(/^\//, ''))
  if (!bucket || !key) throw permanent('an S3 URL needs a bucket and a key: s3://bucket/key')
  const { GetObjectCommand, S3ServiceException } = await loadS3()
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal })
    if (object.ContentLength !== undefined && object.ContentLength > maxBytes) {
      object.Body?.transformToWebStream()
        .cancel()
        .catch(() => {})
      throw permanent(`the object is ${object.ContentLength} bytes, larger than the ${maxBytes}-byte limit (MAX_FILE_BYTES)`)
    }
    const bytes = await object.Body!.transformToByteArray()
    if (bytes.length > maxBytes) throw permanent(`the object is larger than the ${maxBytes}-byte limit (MAX_FILE_BYTES)`)
    return { bytes, filename: lastSegment(key), ...(object.ContentType ? { mimeType: object.ContentType.split(';')[0]!.trim() } : {}) }
  } catch (err) {
    if (signal.aborted) throw signal.reason
    if (err instanceof S3ServiceException) {
      const status = err.$metadata.httpStatusCode ?? 0
      const message = `S3 ${err.name}${status ? ` (HTTP ${status})` : ''}`
      throw status >= 500 || status === 429 ? transient(message, err) : permanent(message, err)
    }
    throw err
  }
}
