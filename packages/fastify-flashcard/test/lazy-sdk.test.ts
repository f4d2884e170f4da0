// A host that only enqueues must not load the AWS SDK or an LLM SDK: after requiring the built
// plugin (CommonJS, where Node's module cache is inspectable) and registering it, neither
// @aws-sdk/client-s3 nor @google/genai is in require.cache. With a log store on S3, the SDK loads
// on the first use of that store, not before.
import t from 'tap'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../../../test/support/redis.js'

const run = promisify(execFile)
const PACKAGE = fileURLToPath(new URL('..', import.meta.url))

const script = (prefix: string) => `
const Fastify = require('fastify')
const { fastifyFlashcard } = require('@flashcards/fastify-flashcard')
const { createJobLogStore } = require('@flashcards/queue-core')
const loaded = (name) => Object.keys(require.cache).some((file) => file.includes('/node_modules/' + name + '/'))
;(async () => {
  const app = Fastify()
  const logStore = createJobLogStore({ logStore: 's3', logDir: '', s3: { bucket: 'b', region: 'us-east-1', forcePathStyle: true, endpoint: 'http://127.0.0.1:9' } })
  await app.register(fastifyFlashcard, { connection: ${JSON.stringify(TEST_REDIS_URL)}, queuePrefix: ${JSON.stringify(prefix)}, auth: { tokens: { 'token-0123456789': 'a' } }, logStore })
  await app.ready()
  const afterRegister = { s3: loaded('@aws-sdk/client-s3'), genai: loaded('@google/genai'), modules: Object.keys(require.cache).length }
  await logStore.read('job-1').catch(() => undefined)
  const afterS3Use = { s3: loaded('@aws-sdk/client-s3') }
  await app.close()
  process.stdout.write(JSON.stringify({ afterRegister, afterS3Use }))
})()
`

t.test('registering the plugin loads no AWS or Google SDK; the S3 log store loads it on first use', async (t) => {
  const prefix = uniquePrefix('lazy-sdk')
  t.teardown(() => deletePrefix(prefix))
  const { stdout } = await run(process.execPath, ['-e', script(prefix)], { cwd: PACKAGE })
  const report = JSON.parse(stdout) as { afterRegister: { s3: boolean; genai: boolean; modules: number }; afterS3Use: { s3: boolean } }
  t.comment(`modules in require.cache after registering: ${report.afterRegister.modules}`)
  t.equal(report.afterRegister.s3, false, '@aws-sdk/client-s3 not loaded by the plugin')
  t.equal(report.afterRegister.genai, false, '@google/genai not loaded by the plugin')
  t.equal(report.afterS3Use.s3, true, 'the S3 store loads the SDK when it is used')
})
