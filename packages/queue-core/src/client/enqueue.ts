import { createHash, randomUUID } from 'node:crypto'
import type { Queue } from 'bullmq'
import { JOB_NAMES, type QueueName } from '../queues.js'
import {
  resolveSettings,
  type CourseJobData,
  type GenerateBatchBody,
  type ModuleJobData,
  type OrchestratorJobData,
  type Owner,
  type TranscriptionBody,
  type TranscriptionJobData,
} from '../schemas.js'
import type { JobStats } from '../stats.js'
import type { QueueCapacity } from './backlog.js'
import type { EnqueuedJob } from './types.js'

interface NewJob {
  queue: QueueName
  name: string
  data: OrchestratorJobData | TranscriptionJobData
  kind: EnqueuedJob['kind']
  moduleId: string | null
}

/**
 * Adds jobs with deduplication: the same tenant asking for the same target with the same settings
 * and content while a job for it is waiting or running gets that job back instead of a second one.
 */
export class Enqueuer {
  constructor(
    private readonly queues: Record<QueueName, Queue>,
    private readonly capacity: QueueCapacity,
    private readonly stats: JobStats,
  ) {}

  /** One module, several, or a whole course, from a request already validated and checked. */
  async generation(request: GenerateBatchBody, owner: Owner): Promise<EnqueuedJob[]> {
    const settings = resolveSettings(request.settings)
    const { course_id } = request.target
    const callback = request.callback_url ? { callback_url: request.callback_url } : {}
    if (request.mode === 'course') {
      const data: CourseJobData = { kind: 'course', course_id, settings, owner, ...callback }
      return [await this.checkedAdd({ queue: 'orchestrator', name: JOB_NAMES.course, data, kind: 'course', moduleId: null })]
    }
    const moduleIds = request.mode === 'single_module' ? [request.target.module_id!] : request.target.module_ids!
    await this.capacity.ensure('orchestrator', moduleIds.length)
    const jobs: EnqueuedJob[] = []
    for (const module_id of moduleIds) {
      const content = request.content ? { content: request.content } : {}
      jobs.push(await this.module({ module_id, course_id, settings, owner, ...content, ...callback }))
    }
    return jobs
  }

  /** One module's generation; the caller checked capacity, or it is follow-up work of a running job. */
  module(data: Omit<ModuleJobData, 'kind'>): Promise<EnqueuedJob> {
    const job: ModuleJobData = { kind: 'module', ...data }
    return this.add({ queue: 'orchestrator', name: JOB_NAMES.module, data: job, kind: 'module', moduleId: data.module_id })
  }

  transcription(request: TranscriptionBody, owner: Owner): Promise<EnqueuedJob> {
    const data: TranscriptionJobData = {
      kind: 'transcription',
      module_id: request.module_id,
      course_id: request.course_id,
      files: request.files,
      settings: resolveSettings(request.settings),
      owner,
    }
    return this.checkedAdd({ queue: 'transcription', name: JOB_NAMES.transcription, data, kind: 'transcription', moduleId: request.module_id })
  }

  private async checkedAdd(job: NewJob): Promise<EnqueuedJob> {
    await this.capacity.ensure(job.queue, 1)
    return this.add(job)
  }

  private async add({ queue, name, data, kind, moduleId }: NewJob): Promise<EnqueuedJob> {
    const jobId = randomUUID()
    const dedupId = sha256({ queue, name, data: { ...data, owner: { tenant: data.owner.tenant } } })
    const job = await this.queues[queue].add(name, data, { jobId, deduplication: { id: dedupId } })
    const deduplicated = job.id !== jobId
    if (!deduplicated) {
      this.capacity.added(queue)
      await this.stats.recordEnqueued(queue)
    }
    return { job_id: String(job.id), queue, kind, course_id: data.course_id, module_id: moduleId, deduplicated }
  }
}

function sha256(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex')
}
