import { basename, dirname } from 'node:path'
import { resolveSettings, type ModuleResult, type ResolvedSettings } from '@flashcards/queue-core'
import {
  chunkDocuments,
  DEFAULT_CHUNK_TOKENS,
  FilesystemContentSource,
  generateModuleCards,
  normaliseDocument,
  type JobLogRecorder,
  type LlmProvider,
  type SourceDocument,
} from '@flashcards/workers'
import type { ModuleCards } from './quality.js'

export interface CourseModule {
  course_id: string
  module_id: string
  documents: SourceDocument[]
  words: number
  /** chunk id → chunk text, as the pipeline cites them. */
  chunkText: Map<string, string>
}

/** Reads a course folder (`<CONTENT_DIR>/<course_id>/<module_id>/files`) through the workers' own content source. */
export async function loadCourse(courseDir: string): Promise<CourseModule[]> {
  const source = new FilesystemContentSource(dirname(courseDir))
  const course_id = basename(courseDir)
  const modules: CourseModule[] = []
  for (const module_id of await source.listModules(course_id)) {
    const documents = await source.loadModule({ course_id, module_id })
    const chunks = chunkDocuments(documents.map(normaliseDocument), DEFAULT_CHUNK_TOKENS)
    modules.push({
      course_id,
      module_id,
      documents,
      words: documents.reduce((sum, doc) => sum + doc.content.text.split(/\s+/).filter(Boolean).length, 0),
      chunkText: new Map(chunks.map((chunk) => [chunk.id, chunk.text])),
    })
  }
  return modules
}

const silentLog: JobLogRecorder = { entry() {}, info() {}, warn() {}, raw() {} }

/** The orchestrator's pipeline on one module in this process, without queue or cache. */
export function generate(provider: LlmProvider, module: CourseModule, settings: ResolvedSettings = resolveSettings(undefined)): Promise<ModuleResult> {
  return generateModuleCards(
    { course_id: module.course_id, module_id: module.module_id, settings, documents: module.documents },
    { provider, signal: new AbortController().signal, progress: async () => {}, log: silentLog },
  )
}

/** A module's result in the quality harness's terms: each card with the text of the chunk it cites. */
export function forQuality(module: CourseModule, result: ModuleResult, target: number): ModuleCards {
  return {
    module_id: module.module_id,
    target,
    words: module.words,
    cards: result.cards.map((card) => ({
      type: card.type,
      front: card.front,
      back: card.back,
      sourceText: module.chunkText.get(card.source.chunk_id) ?? '',
      chunk_id: card.source.chunk_id,
      ...(card.tags?.includes('reverse') ? { reverse: true } : {}),
    })),
  }
}
