/*
 * A queue dashboard (bull-board) mounted on the host app behind the plugin's own auth. It shows,
 * changes and adds jobs of every tenant (bull-board cannot filter by tenant), so it is an
 * operator tool: only tokens of the operator tenant open it, and the example server mounts it
 * only when DASHBOARD_TENANT names that tenant. Browsers get a Basic-auth prompt; the password is
 * an API token.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { FastifyAdapter } from '@bull-board/fastify'
import { QUEUE_NAMES } from '@flashcards/queue-core'

export const DASHBOARD_PATH = '/admin/queues'

/** `Basic base64(user:token)` → `Bearer token`, so a browser can use the API's tokens. */
function basicToBearer(request: FastifyRequest): void {
  const header = request.headers.authorization
  if (!header?.startsWith('Basic ')) return
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8')
  request.headers.authorization = `Bearer ${decoded.slice(decoded.indexOf(':') + 1)}`
}

export async function registerDashboard(app: FastifyInstance, options: { tenant: string }): Promise<void> {
  const serverAdapter = new FastifyAdapter()
  serverAdapter.setBasePath(DASHBOARD_PATH)
  createBullBoard({
    queues: QUEUE_NAMES.map((name) => new BullMQAdapter(app.flashcards.queues.queue(name))),
    serverAdapter,
  })
  await app.register(
    async (scope) => {
      scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
        basicToBearer(request)
        const principal = await app.flashcards.authenticate(request).catch(() => null)
        if (principal?.tenant === options.tenant) return
        reply.header('www-authenticate', 'Basic realm="flashcard queues", charset="UTF-8"')
        return reply.code(401).send({
          success: false,
          error: { code: 'UNAUTHORIZED', message: "A token of the dashboard's operator tenant is required (as the Basic-auth password or a Bearer token)" },
        })
      })
      await scope.register(serverAdapter.registerPlugin())
    },
    { prefix: DASHBOARD_PATH },
  )
}
