/**
 * A new host application, as a user makes one: an empty folder, a package.json naming the packed
 * tarballs and fastify, installed with npm or with pnpm from the registry. The caller removes it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PNPM, run, type Packed } from './pack.js'
import { ROOT } from '@flashcards/test-support'

export type PackageManager = 'npm' | 'pnpm'

export interface HostApp {
  readonly dir: string
  readonly manager: PackageManager
  /** What `npm install` / `pnpm install` printed. */
  readonly installLog: string
  /** A file's absolute path inside the host. */
  path(...parts: string[]): string
  write(file: string, text: string): void
  remove(): void
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>

/** The oldest fastify the plugin's peer range allows (`^5.0.0` → `5.0.0`). */
export const OLDEST_FASTIFY = (() => {
  const range = readJson(join(ROOT, 'packages/fastify-flashcard/package.json')).peerDependencies!.fastify!
  const oldest = /^\^(\d+\.\d+\.\d+)$/.exec(range)?.[1]
  if (!oldest) throw new Error(`the fastify peer range ${range} is not a caret range: say here which release is the oldest`)
  return oldest
})()

function hostManifest(manager: PackageManager, packed: Packed): object {
  const tarball = (name: keyof Packed['tarballs']) => `file:${packed.tarballs[name]}`
  const root = readJson(join(ROOT, 'package.json')).devDependencies!
  // The plugin and the workers depend on queue-core by version, which no registry holds: both
  // package managers are pointed at its tarball, as a user of unpublished builds would do.
  const overrides = { '@flashcards/queue-core': tarball('queue-core') }
  return {
    name: `flashcard-host-${manager}`,
    private: true,
    type: 'module',
    dependencies: {
      '@flashcards/fastify-flashcard': tarball('fastify-flashcard'),
      '@flashcards/queue-core': tarball('queue-core'),
      '@flashcards/workers': tarball('workers'),
      fastify: OLDEST_FASTIFY,
    },
    devDependencies: { typescript: root.typescript, '@types/node': root['@types/node'] },
    ...(manager === 'npm' ? { overrides } : { pnpm: { overrides } }),
  }
}

const INSTALL: Record<PackageManager, [string, string[]]> = {
  npm: ['npm', ['install', '--no-audit', '--no-fund']],
  // CI=true makes pnpm default to a frozen lockfile, which a new app does not have yet.
  pnpm: ['npx', [...PNPM, 'install', '--no-frozen-lockfile']],
}

/** Makes the host folder and installs it; the error of a failed install carries its output. */
export async function installHost(manager: PackageManager, packed: Packed): Promise<HostApp> {
  const dir = mkdtempSync(join(tmpdir(), `flashcard-host-${manager}-`))
  const host: Omit<HostApp, 'installLog'> = {
    dir,
    manager,
    path: (...parts) => join(dir, ...parts),
    write: (file, text) => writeFileSync(join(dir, file), text),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
  host.write('package.json', `${JSON.stringify(hostManifest(manager, packed), null, 2)}\n`)
  const [command, args] = INSTALL[manager]
  try {
    const { stdout, stderr } = await run(command, args, { cwd: dir, maxBuffer: 16 << 20 })
    return { ...host, installLog: stdout + stderr }
  } catch (err) {
    host.remove()
    throw err
  }
}

/** A strict TypeScript project over the host's `*.ts` files: library types checked too. */
export const HOST_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    types: ['node'],
    strict: true,
    skipLibCheck: false,
    noEmit: true,
  },
  include: ['*.ts'],
}
