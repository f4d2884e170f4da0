import { readdir, readFile, stat } from 'node:fs/promises'
import { extname, join, resolve } from 'node:path'
import { extractText, type TextExtractor } from '../extract/index.js'
import { ContentNotFoundError } from '../errors.js'
import { tenantRoot } from './tenant-folders.js'
import type { ContentSource, ModuleRef, SourceDocument } from './types.js'

/** Extensions read as module content; anything else in a module folder (media, images) is skipped. */
export const SUPPORTED_EXTENSIONS = new Set(['.md', '.markdown', '.txt', '.html', '.htm', '.vtt', '.srt', '.pdf', '.docx'])
/** A single content file larger than this is refused rather than read into memory. */
export const MAX_CONTENT_FILE_BYTES = 50 * 1024 * 1024
const TRANSCRIPT = /^(.+)\.transcript\.(?:vtt|md)$/
const WHERE = "in the shared content or this tenant's submissions"

/**
 * Reads `CONTENT_DIR/<course_id>/<module_id>/`: every supported file, in name order, through the
 * shared extractors. That tree is the operator's shared material, read for every tenant. A
 * request of a tenant reads, beside it, the tenant's own submissions in
 * `CONTENT_DIR/.tenants/<tenant>/<course_id>/<module_id>/` (where the transcription worker writes
 * `<file_id>.transcript.vtt|md`), and never another tenant's; a file name both hold is the
 * tenant's. When a transcript exists, a file of the same id beside it (its original) is not read
 * twice.
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

  async listModules(courseId: string, _signal?: AbortSignal, tenant?: string): Promise<string[]> {
    const listed = await Promise.all(this.folders(tenant, courseId).map((dir) => entriesOf(dir)))
    if (listed.every((entries) => entries === undefined)) throw new ContentNotFoundError(`Course ${courseId} not found: no folder ${courseId} ${WHERE}`)
    const modules = new Set(listed.flatMap((entries) => (entries ?? []).filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name)))
    if (modules.size === 0) throw new ContentNotFoundError(`Course ${courseId} has no module folders ${WHERE}`)
    return [...modules].sort(naturalOrder)
  }

  async loadModule(ref: ModuleRef, signal?: AbortSignal): Promise<SourceDocument[]> {
    const where = `${ref.course_id}/${ref.module_id}`
    // Name → path; the tenant's folder comes last, so its file wins a name both hold.
    const paths = new Map<string, string>()
    let found = false
    for (const dir of this.folders(ref.tenant, ref.course_id, ref.module_id)) {
      const entries = await entriesOf(dir)
      if (entries === undefined) continue
      found = true
      for (const entry of entries) if (entry.isFile() && readable(entry.name)) paths.set(entry.name, join(dir, entry.name))
    }
    if (!found) throw new ContentNotFoundError(`Module ${ref.module_id} of course ${ref.course_id} not found: no folder ${where} ${WHERE}`)
    const files = withoutTranscribedOriginals([...paths.keys()])
    if (files.length === 0) {
      throw new ContentNotFoundError(`Module ${ref.module_id} of course ${ref.course_id} has no readable files in ${where} (supported: ${[...SUPPORTED_EXTENSIONS].join(' ')})`)
    }
    const documents: SourceDocument[] = []
    for (const name of files) {
      signal?.throwIfAborted()
      const size = (await stat(paths.get(name)!)).size
      if (size > MAX_CONTENT_FILE_BYTES) throw new ContentNotFoundError(`${where}/${name} is ${size} bytes; content files may be at most ${MAX_CONTENT_FILE_BYTES} bytes`)
      documents.push({ name, content: await this.extract(await readFile(paths.get(name)!), { filename: name }, signal) })
    }
    return documents
  }

  /** The shared folder, then (for a tenant's request) the tenant's own. */
  private folders(tenant: string | undefined, ...parts: string[]): string[] {
    const shared = join(this.root, ...parts)
    return tenant === undefined ? [shared] : [shared, join(tenantRoot(this.root, tenant), ...parts)]
  }
}

/** A folder's entries, or undefined when there is no such folder. */
async function entriesOf(dir: string) {
  return readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined
    throw err
  })
}

function readable(name: string): boolean {
  return !name.startsWith('.') && SUPPORTED_EXTENSIONS.has(extname(name).toLowerCase())
}

/** Names in order, a transcript's original left out (`intro.pdf` beside `intro.transcript.md`). */
function withoutTranscribedOriginals(names: string[]): string[] {
  const transcribed = new Set(names.map((name) => TRANSCRIPT.exec(name)?.[1]).filter((id): id is string => id !== undefined))
  return names.filter((name) => TRANSCRIPT.test(name) || !transcribed.has(stem(name))).sort(naturalOrder)
}

function stem(name: string): string {
  const ext = extname(name)
  return ext ? name.slice(0, -ext.length) : name
}

const collator = new Intl.Collator('en', { numeric: true })
function naturalOrder(a: string, b: string): number {
  return collator.compare(a, b)
}
