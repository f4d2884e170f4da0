// One HTTP server of the enqueue phase, in its own process: `plugin` is the fastify-flashcard
// plugin with its defaults (auth, validation, deduplication, metrics); `bare` is a Fastify route
// that only calls queue.add with the request body. Prints `listening <port>` when ready.
import Fastify from 'fastify'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { fastifyFlashcard } from '@flashcards/fastify-flashcard'
import { defaultJobOptions, JOB_NAMES } from '@flashcards/queue-core'

const mode = process.argv[2]
const redisUrl = process.env.REDIS_URL!
const queuePrefix = process.env.QUEUE_PREFIX!
const app = Fastify({ logger: false })

if (mode === 'plugin') {
  // BENCH_TENANTS=n: tokens <BENCH_TOKEN>-<i> for tenant-<i> (the read-scale phase), else one token for bench-tenant.
  const tenants = Number(process.env.BENCH_TENANTS ?? 0)
  const tokens =
    tenants > 0
      ? Object.fromEntries(Array.from({ length: tenants }, (_, i) => [`${process.env.BENCH_TOKEN!}-${i}`, `tenant-${i}`]))
      : { [process.env.BENCH_TOKEN!]: 'bench-tenant' }
  await app.register(fastifyFlashcard, { connection: redisUrl, queuePrefix, auth: { tokens } })
} else if (mode === 'bare') {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null })
  const queue = new Queue('orchestrator', { connection, prefix: queuePrefix, defaultJobOptions: defaultJobOptions(3) })
  app.post('/api/flashcards/orchestrator/generate-batch', async (request, reply) => {
    const job = await queue.add(JOB_NAMES.module, request.body)
    return reply.code(202).send({ success: true, data: { jobs: [{ job_id: job.id }] } })
  })
  app.addHook('onClose', async () => {
    await queue.close()
    connection.disconnect()
  })
} else {
  process.stderr.write('usage: http-server.ts plugin|bare\n')
  process.exit(2)
}

await app.listen({ port: 0, host: '127.0.0.1' })
const address = app.server.address()
process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`)
const stop = async () => {
  await app.close()
  process.exit(0)
}
process.once('SIGTERM', () => void stop())
process.once('SIGINT', () => void stop())
