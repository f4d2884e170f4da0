import type { ExtractedDocument } from '../extract/index.js'

export interface ModuleRef {
  course_id: string
  module_id: string
  /**
   * The tenant the content is read for. A source that stores what tenants submit must return only
   * this tenant's submissions (besides material shared with every tenant).
   */
  tenant?: string
}

/** One file (or the inline content) of a module, as text. */
export interface SourceDocument {
  /** File name inside the module, or `inline`; names the document in chunk ids and errors. */
  name: string
  content: ExtractedDocument
}

/**
 * Where module content comes from. The default reads CONTENT_DIR; a host plugs in its own (a
 * CMS, a database, an object store) through the `--config` module.
 *
 * ```ts
 * const source: ContentSource = {
 *   name: 'cms',
 *   async listModules(courseId) { return (await cms.course(courseId)).moduleIds },
 *   async loadModule({ course_id, module_id }) {
 *     return [{ name: 'lesson.md', content: { format: 'markdown', text: await cms.lesson(course_id, module_id) } }]
 *   },
 * }
 * ```
 */
export interface ContentSource {
  readonly name: string
  /** The course's module ids in course order, for `tenant`. Throws `ContentNotFoundError` for an unknown course. */
  listModules(courseId: string, signal?: AbortSignal, tenant?: string): Promise<string[]>
  /** The module's documents. Throws `ContentNotFoundError` when the module has none. */
  loadModule(ref: ModuleRef, signal?: AbortSignal): Promise<SourceDocument[]>
}
