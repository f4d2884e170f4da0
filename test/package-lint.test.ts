// What a publish would ship: every packed tarball passes publint (strict) and
// @arethetypeswrong/cli (ESM, CommonJS and bundler resolution of every export), carries its
// licence and the metadata a scoped first publish needs, and no binary twice.
import t from 'tap'
import { rmSync } from 'node:fs'
import { packAll, PACKAGES, run } from './support/pack.js'
import { ROOT } from '@flashcards/test-support'

const packed = await packAll()
t.teardown(() => rmSync(packed.dir, { recursive: true, force: true }))

const tarFiles = async (tarball: string) => (await run('tar', ['tzf', tarball])).stdout.split('\n').filter(Boolean)
const manifest = async (tarball: string) => JSON.parse((await run('tar', ['xzf', tarball, '-O', 'package/package.json'])).stdout) as Record<string, unknown>

for (const name of PACKAGES) {
  const tarball = packed.tarballs[name]
  t.test(`${name}: publint --strict is clean`, async (t) => {
    const { stdout } = await run('npx', ['publint', 'run', tarball, '--strict'], { cwd: ROOT })
    t.match(stdout, /All good!/, stdout)
  })
  t.test(`${name}: are-the-types-wrong finds no problem`, async (t) => {
    // Exits non-zero on any problem, which rejects with the table in the error.
    const { stdout } = await run('npx', ['attw', tarball, '--format', 'ascii'], { cwd: ROOT })
    t.match(stdout, /No problems found/, stdout)
  })
  t.test(`${name}: licence, repository, public access, no workspace ranges`, async (t) => {
    const files = await tarFiles(tarball)
    t.ok(files.includes('package/LICENSE'), 'LICENSE shipped')
    t.notOk(
      files.some((f) => f.endsWith('.cjs') && !f.endsWith('/index.cjs')),
      'the only CommonJS file is the library entry',
    )
    const pkg = await manifest(tarball)
    t.same(pkg.publishConfig, { access: 'public' })
    t.match(pkg.repository, { type: 'git', directory: `packages/${name}` })
    t.type(pkg.homepage, 'string')
    t.notMatch(JSON.stringify(pkg), /workspace:/, 'workspace ranges rewritten to versions')
  })
}

t.test('the plugin takes fastify from the host (peer dependency), not a copy of its own', async (t) => {
  const pkg = await manifest(packed.tarballs['fastify-flashcard'])
  t.same(pkg.peerDependencies, { fastify: '^5.0.0' })
  t.notOk((pkg.dependencies as Record<string, string>).fastify)
  t.ok((pkg.dependencies as Record<string, string>)['@flashcards/queue-core'], 'queue-core comes with the plugin')
})

t.test('the workers bin is a committed launcher of the ESM CLI', async (t) => {
  const pkg = await manifest(packed.tarballs.workers)
  t.same(pkg.bin, { 'flashcard-workers': './bin/flashcard-workers.js' })
  const files = await tarFiles(packed.tarballs.workers)
  t.ok(files.includes('package/bin/flashcard-workers.js'))
  t.ok(files.includes('package/dist/cli.js'))
})

t.test('in the workspace, the bin is linked and answers --version', async (t) => {
  const { version } = (await import('../packages/workers/package.json', { with: { type: 'json' } })).default
  const { stdout } = await run('npx', ['--no-install', 'flashcard-workers', '--version'], { cwd: ROOT })
  t.equal(stdout.trim(), version)
})
