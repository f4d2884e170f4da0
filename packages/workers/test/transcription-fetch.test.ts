import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { S3Client } from '@aws-sdk/client-s3'
import { FileProblem } from '../src/errors.js'
import { loadConfig } from '@flashcards/queue-core'
import { fetchFile, refusedRange, type FileFetcherOptions } from '../src/transcription/index.js'
import { serve } from './fixtures/servers.js'

const signal = new AbortController().signal
const base: FileFetcherOptions = {
  mock: false,
  allowPrivate: false,
  localRoot: undefined,
  maxBytes: 1_000_000,
  timeoutMs: 5_000,
  maxRedirects: 3,
  s3: () => new S3Client({ region: 'us-east-1' }),
  s3Buckets: new Set(),
}

async function problem(options: Partial<FileFetcherOptions>, url: string): Promise<FileProblem> {
  const err = await fetchFile({ file_id: 'f', url }, { ...base, ...options }, signal).then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(err instanceof FileProblem)) throw new Error(`${url}: expected a FileProblem, got ${String(err)}`)
  return err
}

t.test('address policy: private, loopback, link-local and metadata ranges are refused', async (t) => {
  for (const address of [
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fd00:ec2::254',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::7f00:1',
    '::a9fe:a9fe',
    '::a00:1',
    '64:ff9b::7f00:1',
    '2002:7f00:1::',
    '100::1',
  ]) {
    t.ok(refusedRange(address), `${address} refused`)
  }
  t.match(refusedRange('169.254.169.254'), /metadata/)
  t.match(refusedRange('::a9fe:a9fe'), /metadata/, 'IPv4-compatible IPv6 of the metadata address')
  t.match(refusedRange('::7f00:1'), /loopback/, 'IPv4-compatible IPv6 of loopback')
  for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::1111']) t.equal(refusedRange(address), undefined, `${address} allowed`)
})

t.test('SSRF: loopback, metadata and private URLs are refused before any byte is sent', async (t) => {
  const server = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('secret'))
  t.teardown(() => server.close())
  const port = new URL(server.url).port
  for (const url of [
    `http://127.0.0.1:${port}/a.txt`,
    `http://localhost:${port}/a.txt`,
    `http://[::1]:${port}/a.txt`,
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/a.txt',
    'http://192.168.0.10/a.txt',
  ]) {
    const err = await problem({}, url)
    t.equal(err.retryable, false, `${url} not retried`)
    t.match(err.message, /refused to fetch from .*ALLOW_PRIVATE_FILE_URLS=true/, url)
  }
  t.equal(server.requests.length, 0, 'the server never saw a request')
  const allowed = await fetchFile({ file_id: 'f', url: `http://localhost:${port}/a.txt` }, { ...base, allowPrivate: true }, signal)
  t.equal(Buffer.from(allowed.bytes).toString(), 'secret', 'ALLOW_PRIVATE_FILE_URLS=true lets it through')
})

t.test('SSRF: a redirect to a refused address is checked again at the next hop', async (t) => {
  const server = await serve((req, res) => {
    if (req.url === '/go') return void res.writeHead(302, { location: `http://127.0.0.2:${port}/secret` }).end()
    if (req.url === '/loop') return void res.writeHead(302, { location: '/loop' }).end()
    res.writeHead(200, { 'content-type': 'text/plain' }).end('secret')
  })
  t.teardown(() => server.close())
  const port = new URL(server.url).port
  // 127.0.0.1 plays the public server here; everything else keeps the real policy.
  const policy = (address: string) => (address === '127.0.0.1' ? undefined : refusedRange(address))
  const err = await fetchFile({ file_id: 'f', url: `${server.url}/go` }, { ...base, addressPolicy: policy }, signal).catch((e: FileProblem) => e)
  t.match((err as Error).message, /refused to fetch from 127\.0\.0\.2: it resolves to 127\.0\.0\.2, a loopback address/)
  t.same(
    server.requests.map((r) => r.path),
    ['/go'],
    'the redirect target was never requested',
  )
  const loop = await fetchFile({ file_id: 'f', url: `${server.url}/loop` }, { ...base, addressPolicy: policy }, signal).catch((e: FileProblem) => e)
  t.match((loop as Error).message, /more than 3 redirects/)
})

t.test('http: timeouts are retryable, oversized declared lengths are refused before reading', async (t) => {
  const server = await serve((req, res) => {
    if (req.url === '/slow') return // never answers
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': '5000000' }).end()
  })
  t.teardown(() => server.close())
  const slow = await problem({ allowPrivate: true, timeoutMs: 200 }, `${server.url}/slow`)
  t.equal(slow.retryable, true)
  t.match(slow.message, /timed out after 200 ms/)
  const big = await problem({ allowPrivate: true }, `${server.url}/big.mp4`)
  t.equal(big.retryable, false)
  t.match(big.message, /5000000 bytes, larger than the 1000000-byte limit/)
})

t.test('local paths: only inside LOCAL_FILE_ROOT, no traversal, no symlink escape', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fc-local-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const root = join(dir, 'root')
  await mkdir(join(root, 'course'), { recursive: true })
  await writeFile(join(root, 'course', 'notes.md'), '# Notes\n')
  await writeFile(join(dir, 'outside.txt'), 'host secret')
  await symlink(join(dir, 'outside.txt'), join(root, 'course', 'escape.txt'))
  const read = await fetchFile({ file_id: 'f', url: 'course/notes.md' }, { ...base, localRoot: root }, signal)
  t.equal(Buffer.from(read.bytes).toString(), '# Notes\n')
  t.equal(read.filename, 'notes.md')
  t.equal(Buffer.from((await fetchFile({ file_id: 'f', url: `file://${join(root, 'course', 'notes.md')}` }, { ...base, localRoot: root }, signal)).bytes).toString(), '# Notes\n')
  t.match((await problem({ localRoot: root }, '../outside.txt')).message, /outside LOCAL_FILE_ROOT/)
  t.match((await problem({ localRoot: root }, join(dir, 'outside.txt'))).message, /outside LOCAL_FILE_ROOT/)
  t.match((await problem({ localRoot: root }, 'course/escape.txt')).message, /outside LOCAL_FILE_ROOT/)
  t.match((await problem({ localRoot: root }, 'course/none.md')).message, /no such file/)
  t.match((await problem({}, 'course/notes.md')).message, /local file paths are disabled: set LOCAL_FILE_ROOT/)
  // A FIFO nobody writes to would block an open() for ever; it fails at once instead.
  execFileSync('mkfifo', [join(root, 'course', 'pipe.txt')])
  t.match((await problem({ localRoot: root }, 'course/pipe.txt')).message, /not a regular file/)
  t.match((await problem({ localRoot: root }, 'course')).message, /not a regular file/, 'nor a directory')
  t.match((await problem({}, 'ftp://example.com/a.pdf')).message, /unsupported URL scheme ftp:/)
})

t.test('s3:// URLs may name only the allowed buckets; a bad S3_ALLOWED_BUCKETS stops start-up', async (t) => {
  const noClient = () => {
    throw new Error('no S3 client may be made for a refused bucket')
  }
  const options = { s3: noClient, s3Buckets: new Set(['course-media']) }
  t.match(
    (await problem(options, 's3://payroll-exports/2025/salaries.csv')).message,
    /^S3 bucket payroll-exports is not one this worker may read: s3:\/\/ URLs may name only the buckets in S3_ALLOWED_BUCKETS \(default: S3_BUCKET\)$/,
  )
  t.match((await problem({ s3: noClient }, 's3://course-media/a.vtt')).message, /S3 bucket course-media is not one/, 'no bucket allowed: every s3:// URL is refused')
  t.same(loadConfig({ S3_ALLOWED_BUCKETS: ' course-media , media.example-2 ' }).transcription.s3AllowedBuckets, ['course-media', 'media.example-2'])
  t.equal(loadConfig({}).transcription.s3AllowedBuckets, undefined, 'unset: the worker falls back to S3_BUCKET')
  t.throws(() => loadConfig({ S3_ALLOWED_BUCKETS: 'ok-bucket,Bad_Bucket' }), {
    name: 'ConfigError',
    message: /S3_ALLOWED_BUCKETS="ok-bucket,Bad_Bucket" is invalid: "Bad_Bucket" is not an S3 bucket name/,
  })
})
