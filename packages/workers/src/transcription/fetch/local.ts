import { constants } from 'node:fs'
import { open, realpath, stat } from 'node:fs/promises'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { permanent } from '../errors.js'
import { lastSegment, type FetchedFile } from './types.js'

/**
 * Reads a local file that lies inside `root`, after resolving symbolic links: `../` segments
 * and links that point outside the root are refused, so a job cannot read the host's files.
 */
export async function readLocalFile(path: string, root: string | undefined, maxBytes: number): Promise<FetchedFile> {
  if (!root) throw permanent('local file paths are disabled: set LOCAL_FILE_ROOT to the folder files may be read from')
  const realRoot = await realpath(resolve(root)).catch(() => {
    throw permanent('LOCAL_FILE_ROOT does not exist on this worker')
  })
  const requested = isAbsolute(path) ? path : resolve(realRoot, path)
  const real = await realpath(requested).catch((err: NodeJS.ErrnoException) => {
    throw permanent(err.code === 'ENOENT' ? 'no such file' : `cannot read: ${err.code ?? err.message}`)
  })
  const inside = relative(realRoot, real)
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
    throw permanent('the path is outside LOCAL_FILE_ROOT')
  }
  // Opening a FIFO or a device blocks (or reads forever): refuse anything but a regular file before
  // opening it, and open without blocking so a file swapped for a FIFO in between cannot wedge us.
  if (!(await stat(real)).isFile()) throw permanent('not a regular file (a FIFO, device or directory cannot be a course file)')
  const handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const info = await handle.stat()
    if (!info.isFile()) throw permanent('not a regular file (a FIFO, device or directory cannot be a course file)')
    if (info.size > maxBytes) throw permanent(`the file is ${info.size} bytes, larger than the ${maxBytes}-byte limit (MAX_FILE_BYTES)`)
    return { bytes: new Uint8Array(await handle.readFile()), filename: lastSegment(real.split(sep).join('/')) }
  } finally {
    await handle.close()
  }
}
