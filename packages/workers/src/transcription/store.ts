import { randomBytes } from 'node:crypto'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { tenantRoot } from '../content/tenant-folders.js'
import { toWebVtt, type TimedSegment } from '../extract/index.js'

export interface TranscriptTarget {
  /** The tenant that submitted the file: transcripts are stored per tenant. */
  tenant: string
  course_id: string
  module_id: string
  file_id: string
}

export interface TranscriptContent {
  text: string
  segments?: TimedSegment[]
  title?: string
}

export interface StoredTranscript {
  /**
   * Where the transcript file is, relative to the tenant's submissions folder
   * (`course/module/file.transcript.vtt`): results and logs reach tenants, server paths must not.
   */
  path: string
  format: 'vtt' | 'md'
  characters: number
  segments: number
}

/**
 * `CONTENT_DIR/.tenants/<tenant>/<course_id>/<module_id>/<file_id>.transcript.vtt|md`: where the
 * filesystem content source looks for the tenant's own material, beside the shared
 * `CONTENT_DIR/<course_id>/<module_id>/`. Another tenant's transcript of the same ids is another file.
 */
export function transcriptPath(contentDir: string, target: TranscriptTarget, format: 'vtt' | 'md'): string {
  return join(tenantRoot(contentDir, target.tenant), target.course_id, target.module_id, `${target.file_id}.transcript.${format}`)
}

/**
 * Writes a file's transcript where the orchestrator reads module content: WebVTT when it has
 * timestamps (cards can cite them), markdown otherwise. The write is atomic (a hidden temporary
 * file renamed into place), so a generation job never reads half a transcript, and a transcript
 * of the other format left by an earlier run is removed so the module is not read twice.
 */
export async function writeTranscript(contentDir: string, target: TranscriptTarget, content: TranscriptContent): Promise<StoredTranscript> {
  const segments = content.segments ?? []
  const format = segments.length > 0 ? 'vtt' : 'md'
  const path = transcriptPath(contentDir, target, format)
  const dir = join(tenantRoot(contentDir, target.tenant), target.course_id, target.module_id)
  const body = format === 'vtt' ? toWebVtt(segments) : markdown(content)
  await mkdir(dir, { recursive: true })
  // The leading dot keeps readers (which skip hidden files) away from the partial file.
  const temporary = join(dir, `.${target.file_id}.transcript.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await writeFile(temporary, body, 'utf8')
    await rename(temporary, path)
  } catch (err) {
    await rm(temporary, { force: true })
    throw err
  }
  await rm(transcriptPath(contentDir, target, format === 'vtt' ? 'md' : 'vtt'), { force: true })
  return { path: relative(tenantRoot(contentDir, target.tenant), path).split(sep).join('/'), format, characters: content.text.length, segments: segments.length }
}

function markdown(content: TranscriptContent): string {
  const text = content.text.trim()
  const titled = content.title && !/^#\s/.test(text) ? `# ${content.title}\n\n${text}` : text
  return `${titled}\n`
}
