/**
 * A zip archive (a DOCX) measured before anything is inflated: its central directory is read
 * (a few bytes per entry), every part's declared size and compression ratio checked against
 * `EXTRACT_LIMITS.docx`, and then each part inflated once by zlib with an output cap of the size
 * it declared, so a part that lies about its size is caught at that cap rather than by running out
 * of memory inside mammoth.
 */
import { inflateRawSync } from 'node:zlib'
import { EXTRACT_LIMITS } from './limits.js'
import { ExtractionError } from './types.js'

interface ZipEntry {
  name: string
  method: number
  compressedSize: number
  size: number
  localHeaderOffset: number
}

const EOCD_SIGNATURE = 0x06054b50
const CENTRAL_SIGNATURE = 0x02014b50
const LOCAL_SIGNATURE = 0x04034b50
const ZIP64_MARK = 0xffffffff
/** Images are never inflated: the DOCX extractor leaves them out of the text. */
const MEDIA_PART = /^word\/media\//

const bytesText = (n: number) => `${n.toLocaleString('en')} bytes`

/** Throws `ExtractionError` (reason `limit`, or `corrupt` for a broken directory) naming the part and the limit. */
export function checkZip(bytes: Uint8Array, file: string, limits = EXTRACT_LIMITS.docx): void {
  const entries = readCentralDirectory(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), file)
  const refuse = (detail: string) => new ExtractionError(file, 'limit', `DOCX ${detail}`)
  if (entries.length > limits.maxEntries) throw refuse(`holds ${entries.length.toLocaleString('en')} entries, over the limit of ${limits.maxEntries.toLocaleString('en')}`)
  const parts = entries.filter((entry) => !MEDIA_PART.test(entry.name) && !entry.name.endsWith('/'))
  let total = 0
  for (const part of parts) {
    if (part.size > limits.maxPartBytes) throw refuse(`part ${part.name} would inflate to ${bytesText(part.size)}, over the limit of ${bytesText(limits.maxPartBytes)} per part`)
    const ratio = part.size / Math.max(1, part.compressedSize)
    if (part.size > limits.ratioFloorBytes && ratio > limits.maxRatio) {
      throw refuse(
        `part ${part.name} would inflate ${Math.round(ratio)} times (${bytesText(part.compressedSize)} to ${bytesText(part.size)}), over the limit of ${limits.maxRatio}:1`,
      )
    }
    total += part.size
    if (total > limits.maxTotalBytes) throw refuse(`parts would inflate to more than ${bytesText(limits.maxTotalBytes)} together, the limit`)
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (const part of parts) verifyPart(buffer, part, file)
}

function readCentralDirectory(buffer: Buffer, file: string): ZipEntry[] {
  const corrupt = (detail: string) => new ExtractionError(file, 'corrupt', `corrupt DOCX: ${detail}`)
  // The end record is in the last 22 bytes plus a comment of up to 65,535.
  let eocd = -1
  for (let at = buffer.length - 22; at >= Math.max(0, buffer.length - 22 - 0xffff); at--) {
    if (buffer.readUInt32LE(at) === EOCD_SIGNATURE) {
      eocd = at
      break
    }
  }
  if (eocd < 0) throw corrupt('no zip end-of-central-directory record')
  const count = buffer.readUInt16LE(eocd + 10)
  const size = buffer.readUInt32LE(eocd + 12)
  const start = buffer.readUInt32LE(eocd + 16)
  if (size === ZIP64_MARK || start === ZIP64_MARK || count === 0xffff)
    throw new ExtractionError(file, 'limit', 'DOCX is a ZIP64 archive (over 4 GB or 65,535 entries), beyond what a course document may be')
  if (start + size > eocd) throw corrupt('the central directory lies outside the file')
  const entries: ZipEntry[] = []
  for (let at = start; at < start + size;) {
    if (buffer.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw corrupt(`bad central directory entry at byte ${at}`)
    const nameLength = buffer.readUInt16LE(at + 28)
    const entry: ZipEntry = {
      method: buffer.readUInt16LE(at + 10),
      compressedSize: buffer.readUInt32LE(at + 20),
      size: buffer.readUInt32LE(at + 24),
      localHeaderOffset: buffer.readUInt32LE(at + 42),
      name: buffer.toString('utf8', at + 46, at + 46 + nameLength),
    }
    if (entry.size === ZIP64_MARK || entry.compressedSize === ZIP64_MARK) throw new ExtractionError(file, 'limit', `DOCX part ${entry.name} is a ZIP64 entry (over 4 GB)`)
    entries.push(entry)
    at += 46 + nameLength + buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32)
  }
  return entries
}

/** Inflates a part with an output cap of its declared size: a part bigger than it says is refused, not followed. */
function verifyPart(buffer: Buffer, part: ZipEntry, file: string): void {
  const at = part.localHeaderOffset
  if (at + 30 > buffer.length || buffer.readUInt32LE(at) !== LOCAL_SIGNATURE) throw new ExtractionError(file, 'corrupt', `corrupt DOCX: no local header for ${part.name}`)
  const dataStart = at + 30 + buffer.readUInt16LE(at + 26) + buffer.readUInt16LE(at + 28)
  const data = buffer.subarray(dataStart, dataStart + part.compressedSize)
  if (part.method === 0) {
    if (part.size !== part.compressedSize) throw new ExtractionError(file, 'corrupt', `corrupt DOCX: stored part ${part.name} has two sizes`)
    return
  }
  if (part.method !== 8) throw new ExtractionError(file, 'unsupported', `DOCX part ${part.name} uses zip compression method ${part.method} (expected deflate)`)
  try {
    inflateRawSync(data, { maxOutputLength: Math.max(1, part.size) })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ExtractionError(file, 'limit', `DOCX part ${part.name} inflates to more than the ${bytesText(part.size)} it declares`)
    }
    throw new ExtractionError(file, 'corrupt', `corrupt DOCX: part ${part.name} does not inflate (${(err as Error).message})`, { cause: err })
  }
}
