/** The bytes of one course file and what its source said about them. */
export interface FetchedFile {
  bytes: Uint8Array
  /** The last path segment, used as a hint for type detection. */
  filename: string
  /** The Content-Type the source declared, if any. */
  mimeType?: string
}

export interface FetchLimits {
  /** Largest file accepted, in bytes. */
  maxBytes: number
  /** Time allowed for one http(s) download, headers to last byte. */
  timeoutMs: number
  /** Redirects followed before giving up. */
  maxRedirects: number
}

export function lastSegment(path: string): string {
  const parts = path.split('/').filter(Boolean)
  return decodeURIComponent(parts[parts.length - 1] ?? 'file')
}
