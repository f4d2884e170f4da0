import Fastify, { type FastifyInstance } from 'fastify'
import type { JobLogDocument, JobLogStore } from '@flashcards/queue-core'
import { fastifyFlashcard, type FlashcardPluginOptions } from '../src/index.js'
import { TEST_REDIS_URL } from '@flashcards/test-support/redis'

export { TEST_REDIS_URL }

export const TOKEN_A = 'token-alpha-0001'
export const TOKEN_A2 = 'token-alpha-0002'
export const TOKEN_B = 'token-bravo-0001'
export const TOKENS = { [TOKEN_A]: 'tenant-a', [TOKEN_A2]: 'tenant-a', [TOKEN_B]: 'tenant-b' }

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

/** A host app with the plugin registered against the test Redis under `queuePrefix`. */
export async function buildApp(queuePrefix: string, options: Partial<FlashcardPluginOptions> = {}): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(fastifyFlashcard, {
    connection: TEST_REDIS_URL,
    queuePrefix,
    auth: { tokens: TOKENS },
    ...options,
  })
  await app.ready()
  return app
}

/** A JobLogStore in memory: the interface the real stores implement, for route tests. */
export class MemoryLogStore implements JobLogStore {
  readonly docs = new Map<string, JobLogDocument>()
  constructor(
    readonly kind: 'local' | 's3' = 'local',
    private readonly linkBase?: string,
  ) {
    if (linkBase) this.link = async (jobId, seconds) => (this.docs.has(jobId) ? `${linkBase}/${jobId}.json?expires=${seconds}` : undefined)
  }
  link?: (jobId: string, expiresInSeconds: number) => Promise<string | undefined>
  async write(doc: JobLogDocument): Promise<void> {
    this.docs.set(doc.jobId, structuredClone(doc))
  }
  async read(jobId: string): Promise<JobLogDocument | undefined> {
    return this.docs.get(jobId)
  }
}

export function logDocument(jobId: string, tenant: string): JobLogDocument {
  return {
    jobId,
    queue: 'orchestrator',
    module_id: 'mod-1',
    course_id: 'course-1',
    tenant,
    attempt: 1,
    startedAt: '2025-12-12T00:00:00.000Z',
    completedAt: '2025-12-12T00:01:30.000Z',
    status: 'completed',
    entries: [{ timestamp: '2025-12-12T00:00:00.000Z', level: 'info', step: 'job_start', message: 'Job started for module mod-1', attempt: 1 }],
    rawOutputs: { stageA: { concepts: [] } },
    result: { cards: [] },
    error: null,
  }
}
