import crypto, { createHash, randomUUID } from 'node:crypto'
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
import type { QueueCapacity } from './backlog.js'
import type { TenantIndex } from './tenant-index.js'
import type { EnqueuedJob } from './types.js'

interface NewJob {
  name: string
  data: OrchestratorJobData | TranscriptionJobData
  kind: EnqueuedJob['kind']
  moduleId: string | null
}

/**
 * Adds jobs with deduplication: the same tenant asking for the same target with the same settings
 * and content while a job for it is waiting or running gets that job back instead of a second one.
 * The jobs of one request are added, and indexed for their tenant's lists, in one MULTI.
 */
export class Enqueuer {
  constructor(
    private readonly queues: Record<QueueName, Queue>,
    private readonly capacity: QueueCapacity,
    private readonly index: TenantIndex,
  ) {}

  /** One module, several, or a whole course, from a request already validated and checked. */
  async generation(request: GenerateBatchBody, owner: Owner): Promise<EnqueuedJob[]> {
    const settings = resolveSettings(request.settings)
    const { course_id } = request.target
    const callback = request.callback_url ? { callback_url: request.callback_url } : {}
    if (request.mode === 'course') {
      const data: CourseJobData = { kind: 'course', course_id, settings, owner, ...callback }
      return this.checkedAdd('orchestrator', [{ name: JOB_NAMES.course, data, kind: 'course', moduleId: null }])
    }
    const moduleIds = request.mode === 'single_module' ? [request.target.module_id!] : request.target.module_ids!
    const content = request.content ? { content: request.content } : {}
    return this.checkedAdd(
      'orchestrator',
      moduleIds.map((module_id) => moduleJob({ module_id, course_id, settings, owner, ...content, ...callback })),
    )
  }

  /** One module's generation; the caller checked capacity, or it is follow-up work of a running job. */
  async module(data: Omit<ModuleJobData, 'kind'>): Promise<EnqueuedJob> {
    const [job] = await this.add('orchestrator', [moduleJob(data)])
    return job!
  }

  async transcription(request: TranscriptionBody, owner: Owner): Promise<EnqueuedJob> {
    const data: TranscriptionJobData = {
      kind: 'transcription',
      module_id: request.module_id,
      course_id: request.course_id,
      files: request.files,
      settings: resolveSettings(request.settings),
      owner,
    }
    const [job] = await this.checkedAdd('transcription', [{ name: JOB_NAMES.transcription, data, kind: 'transcription', moduleId: request.module_id }])
    return job!
  }

  private async checkedAdd(queue: QueueName, jobs: NewJob[]): Promise<EnqueuedJob[]> {
    await this.capacity.ensure(queue, jobs.length)
    return this.add(queue, jobs)
  }

  private async add(queue: QueueName, jobs: NewJob[]): Promise<EnqueuedJob[]> {
    const candidates = jobs.map(({ name, data }) => ({
      name,
      data,
      jobId: randomUUID(),
      // The principal is left out: the same tenant's work is the same work whoever asks.
      dedupId: sha256({ queue, name, data: { ...data, owner: { tenant: data.owner.tenant } } }),
    }))
    const ids = await this.index.add(this.queues[queue], queue, candidates)
    const added = ids.filter((id, i) => id === candidates[i]!.jobId).length
    // The index counted the new jobs as enqueued in the same MULTI.
    if (added > 0) this.capacity.added(queue, added)
    return jobs.map(({ data, kind, moduleId }, i) => ({
      job_id: ids[i]!,
      queue,
      kind,
      course_id: data.course_id,
      module_id: moduleId,
      deduplicated: ids[i] !== candidates[i]!.jobId,
    }))
  }
}

function moduleJob(data: Omit<ModuleJobData, 'kind'>): NewJob {
  return { name: JOB_NAMES.module, data: { kind: 'module', ...data }, kind: 'module', moduleId: data.module_id }
}

// One-shot hashing (Node >= 20.12) skips the Hash object createHash builds for each call.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash

function sha256(value: unknown): string {
  const text = JSON.stringify(value)
  return oneShot ? oneShot('sha256', text, 'hex') : createHash('sha256').update(text).digest('hex')
}
