// Baseline of the worker phases: a bare BullMQ Worker with a no-op processor, on the same queue
// names and prefix as the real orchestrator worker, at WORKER_CONCURRENCY.
import { Worker } from 'bullmq'
import { Redis } from 'ioredis'

const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null })
const worker = new Worker('orchestrator', async () => ({ ok: true }), {
  connection,
  prefix: process.env.QUEUE_PREFIX!,
  concurrency: Number(process.env.WORKER_CONCURRENCY ?? 1),
})
worker.on('error', (err) => process.stderr.write(`${err.message}\n`))
await worker.waitUntilReady()
process.stdout.write('ready\n')
const stop = async () => {
  await worker.close()
  connection.disconnect()
  process.exit(0)
}
process.once('SIGTERM', () => void stop())
process.once('SIGINT', () => void stop())
