import { readdir, readFile, stat } from 'node:fs/promises'
import { extname, join, resolve } from 'node:path'
import { extractText, type TextExtractor } from '../extract/index.js'
import { ContentNotFoundError } from '../errors.js'
import type { ContentSource, ModuleRef, SourceDocument } from './types.js'

/** Extensions read as module content; anything else in a module folder (media, images) is skipped. */
export const SUPPORTED_EXTENSIONS = new Set(['.md', '.markdown', '.txt', '.html', '.htm', '.vtt', '.srt', '.pdf', '.docx'])
/** A single content file larger than this is refused rather than read into memory. */
export const MAX_CONTENT_FILE_BYTES = 50 * 1024 * 1024
const TRANSCRIPT = /^(.+)\.transcript\.(vtt|md)$/

/**
 * Reads `CONTENT_DIR/<course_id>/<module_id>/`: every supported file, in name order, through the
 * shared extractors. The transcription worker writes `<file_id>.transcript.vtt|md` there; when a
 * transcript exists, a file of the same id beside it (its original) is not read twice.
 */
export class FilesystemContentSource implements ContentSource {
  readonly name = 'filesystem'
  readonly root: string
  private readonly extract: TextExtractor

  /** `options.extract`: how files become text (default in-process; the orchestrator passes its sandbox's). */
  constructor(root: string, options: { extract?: TextExtractor } = {}) {
    this.root = resolve(root)
    this.extract = options.extract ?? extractText
  }

  async listModules(courseId: string): Promise<string[]> {
    const dir = join(this.root, courseId)
    const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new ContentNotFoundError(`Course ${courseId} not found: no folder ${courseId} in the content directory`)
      throw err
    })
    const modules = entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name)
    if (modules.length === 0) throw new ContentNotFoundError(`Course ${courseId} has no module folders in the content directory`)
    return modules.sort(naturalOrder)
  }

  async loadModule(ref: ModuleRef, signal?: AbortSignal): Promise<SourceDocument[]> {
    const dir = join(this.root, ref.course_id, ref.module_id)
    const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new ContentNotFoundError(`Module ${ref.module_id} of course ${ref.course_id} not found: no folder ${ref.course_id}/${ref.module_id} in the content directory`)
      throw err
    })
    const names = entries
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.') && SUPPORTED_EXTENSIONS.has(extname(entry.name).toLowerCase()))
      .map((entry) => entry.name)
    const transcribed = new Set(names.map((name) => TRANSCRIPT.exec(name)?.[1]).filter((id): id is string => id !== undefined))
    const files = names.filter((name) => TRANSCRIPT.test(name) || !transcribed.has(stem(name))).sort(naturalOrder)
    if (files.length === 0) {
      throw new ContentNotFoundError(
        `Module ${ref.module_id} of course ${ref.course_id} has no readable files in ${ref.course_id}/${ref.module_id} (supported: ${[...SUPPORTED_EXTENSIONS].join(' ')})`,
      )
    }
    const documents: SourceDocument[] = []
    for (const name of files) {
      signal?.throwIfAborted()
      const path = join(dir, name)
      const size = (await stat(path)).size
      if (size > MAX_CONTENT_FILE_BYTES) {
        throw new ContentNotFoundError(`${ref.course_id}/${ref.module_id}/${name} is ${size} bytes; content files may be at most ${MAX_CONTENT_FILE_BYTES} bytes`)
      }
      documents.push({ name, content: await this.extract(await readFile(path), { filename: name }, signal) })
    }
    return documents
  }
}

function stem(name: string): string {
  const ext = extname(name)
  return ext ? name.slice(0, -ext.length) : name
}

const collator = new Intl.Collator('en', { numeric: true })
function naturalOrder(a: string, b: string): number {
  return collator.compare(a, b)
}
