import type { S3Client } from '@aws-sdk/client-s3'
import type { TranscriptionFile } from '@flashcards/queue-core'
import { permanent } from '../errors.js'
import { fetchHttp } from './http.js'
import { readLocalFile } from './local.js'
import { mockFile } from './mock.js'
import { fetchS3 } from './s3.js'
import type { FetchedFile, FetchLimits } from './types.js'

export type { FetchedFile, FetchLimits } from './types.js'
export { refusedRange } from '../../net/address-policy.js'

export interface FileFetcherOptions extends FetchLimits {
  /** MOCK_FILE_URLS: deterministic sample content instead of any I/O. */
  mock: boolean
  /** ALLOW_PRIVATE_FILE_URLS. */
  allowPrivate: boolean
  /** LOCAL_FILE_ROOT: the only folder local paths may point into; unset disables local paths. */
  localRoot: string | undefined
  /** Why an address is refused; default: private, loopback, link-local and other non-public ranges. */
  addressPolicy?: (address: string) => string | undefined
  /** Made on first use of an s3:// URL. */
  s3: () => S3Client | Promise<S3Client>
  /** The buckets s3:// URLs may name (S3_ALLOWED_BUCKETS, default S3_BUCKET); others are refused before any request. */
  s3Buckets: ReadonlySet<string>
}

/** Gets the bytes of a job's file from wherever its URL points: http(s), s3://, file:// or a local path. */
export async function fetchFile(file: TranscriptionFile, options: FileFetcherOptions, signal: AbortSignal): Promise<FetchedFile> {
  if (options.mock) return mockFile(file)
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(file.url)?.[1]?.toLowerCase()
  // A Windows drive letter (C:\…) looks like a one-letter scheme.
  if (scheme === undefined || scheme.length === 1) return readLocalFile(file.url, options.localRoot, options.maxBytes)
  let url: URL
  try {
    url = new URL(file.url)
  } catch {
    throw permanent('not a valid URL')
  }
  switch (url.protocol) {
    case 'http:':
    case 'https:':
      return fetchHttp(url, { ...options, signal })
    case 's3:':
      if (!options.s3Buckets.has(url.hostname)) {
        throw permanent(`S3 bucket ${url.hostname} is not one this worker may read: s3:// URLs may name only the buckets in S3_ALLOWED_BUCKETS (default: S3_BUCKET)`)
      }
      return fetchS3(url, await options.s3(), options.maxBytes, signal)
    case 'file:':
      return readLocalFile(decodeURIComponent(url.pathname), options.localRoot, options.maxBytes)
    default:
      throw permanent(`unsupported URL scheme ${url.protocol} (use http, https, s3 or a local path)`)
  }
}
