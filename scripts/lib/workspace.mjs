// Installs and builds the workspace with the pinned pnpm, using only Node.js and npx.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** `pnpm@x.y.z` from package.json's packageManager field: one pinned version everywhere. */
export function pnpmSpec() {
  const { packageManager } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  return packageManager.split('+')[0]
}

/** Runs a command in the repository root, streaming its output; exits on failure. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options })
  if (result.status !== 0) {
    const shown = [command, ...args].join(' ')
    console.error(`\n✖ ${shown} failed (exit ${result.status ?? result.signal})`)
    process.exit(result.status ?? 1)
  }
}

export function pnpm(args, options) {
  run('npx', ['--yes', pnpmSpec(), ...args], options)
}

/** Installs dependencies when node_modules is missing or older than the lockfile. */
export function ensureInstalled() {
  const marker = join(ROOT, 'node_modules', '.modules.yaml')
  const lock = join(ROOT, 'pnpm-lock.yaml')
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return
  console.log(`• installing dependencies with ${pnpmSpec()} …`)
  pnpm(['install', '--frozen-lockfile'])
}

function newestMtime(path) {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtime(join(path, entry))), stat.mtimeMs)
}

/** A package needs a build when its dist is missing or older than its sources. */
function isStale(pkgDir) {
  const output = join(pkgDir, 'dist', 'index.js')
  if (!existsSync(output)) return true
  const inputs = ['src', 'package.json', 'tsup.config.ts', '../tsup.library.ts'].map((p) => join(pkgDir, p)).filter(existsSync)
  return Math.max(...inputs.map(newestMtime), statSync(join(ROOT, 'pnpm-lock.yaml')).mtimeMs) > statSync(output).mtimeMs
}

/** Builds the packages when any is out of date (a rebuild of one can change another's types). */
export function build() {
  // packages/ also holds the shared build settings (tsup.library.ts) and test-support, which is
  // used from source: what is built is a folder whose package.json has a build script.
  const packages = readdirSync(join(ROOT, 'packages'))
    .map((name) => join(ROOT, 'packages', name))
    .filter((dir) => existsSync(join(dir, 'package.json')) && JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts?.build)
  if (!packages.some(isStale)) {
    console.log('• packages are built and up to date')
    return
  }
  console.log('• building packages …')
  pnpm(['-r', '--silent', 'build'])
}
