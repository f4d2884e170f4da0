/**
 * The packages as a user receives them: `pnpm -r pack` tarballs (workspace ranges rewritten to
 * versions), in a temp folder that the caller removes.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ROOT } from '@flashcards/test-support'

export const run = promisify(execFile)

/** `pnpm@x.y.z` as pinned by the root package.json, run through npx like the README does. */
export const PNPM = ['--yes', (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { packageManager: string }).packageManager.split('+')[0]!]

export const PACKAGES = ['queue-core', 'fastify-flashcard', 'workers'] as const
export type PackageName = (typeof PACKAGES)[number]

export interface Packed {
  dir: string
  /** Absolute tarball path per package folder name. */
  tarballs: Record<PackageName, string>
}

/** Packs every workspace package into a new temp folder (the packages must be built). */
export async function packAll(): Promise<Packed> {
  const dir = mkdtempSync(join(tmpdir(), 'flashcard-pack-'))
  await run('npx', [...PNPM, '-r', 'pack', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 16 << 20 })
  const files = readdirSync(dir)
  const tarballs = Object.fromEntries(
    PACKAGES.map((name) => {
      const file = files.find((f) => f.startsWith(`flashcards-${name}-`) && f.endsWith('.tgz'))
      if (!file) throw new Error(`pnpm -r pack made no tarball for ${name} in ${dir}: ${files.join(', ')}`)
      return [name, join(dir, file)]
    }),
  ) as Record<PackageName, string>
  return { dir, tarballs }
}
