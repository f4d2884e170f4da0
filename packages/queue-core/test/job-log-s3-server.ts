import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
// @ts-expect-error s3rver ships no type declarations
import S3rver from 's3rver'

/** Credentials s3rver accepts (it verifies SigV4 signatures and presigned-URL expiry against them). */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }

export interface LoopbackS3 {
  endpoint: string
  bucket: string
  /** Where s3rver keeps object bytes on disk, to check what really reached storage. */
  directory: string
  /** Every byte s3rver stored, concatenated (objects and their metadata). */
  storedBytes(): Promise<string>
  close(): Promise<void>
}

/** A real S3-compatible server (s3rver) on 127.0.0.1, a random port, with one empty bucket. */
export async function startLoopbackS3(bucket = 'flashcard-logs'): Promise<LoopbackS3> {
  const directory = await mkdtemp(join(tmpdir(), 'fc-s3rver-'))
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] })
  const address = (await server.run()) as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    directory,
    storedBytes: () => readTree(directory),
    async close() {
      await server.close()
      await rm(directory, { recursive: true, force: true })
    },
  }
}

async function readTree(dir: string): Promise<string> {
  let out = ''
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out += await readFile(join(entry.parentPath, entry.name), 'utf8')
  }
  return out
}
