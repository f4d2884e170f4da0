import { defineConfig } from 'tsup'
import { libraryBuild } from '../tsup.library.js'

export default defineConfig([
  {
    // The library, for ESM and CommonJS hosts.
    ...libraryBuild,
    entry: { index: 'src/index.ts' },
    // import.meta.url in CommonJS (the CLI's --version reads package.json through it).
    shims: true,
  },
  {
    // The `flashcard-workers` CLI (launched by bin/flashcard-workers.js) and plain entries for
    // PM2/systemd: ESM only, so they share chunks instead of each bundling everything twice.
    // `extract-thread` is the extraction sandbox's worker thread (src/extract/sandbox/index.ts finds it beside the bundle).
    entry: { cli: 'src/cli.ts', orchestrator: 'src/bin/orchestrator.ts', transcription: 'src/bin/transcription.ts', 'extract-thread': 'src/extract/sandbox/thread.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
  },
])
