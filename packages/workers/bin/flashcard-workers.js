#!/usr/bin/env node
// Committed launcher of the built CLI: pnpm links a workspace bin only when its file exists at
// install time, and dist/ does not exist in a fresh clone until `pnpm -r build`.
const cli = new URL('../dist/cli.js', import.meta.url)
try {
  await import(cli.href)
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes(cli.pathname)) throw err
  process.stderr.write('flashcard-workers is not built yet: run `npx -y pnpm@10.34.9 -r build` at the repository root.\n')
  process.exitCode = 1
}
