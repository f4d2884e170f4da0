import { defineConfig } from 'tsup'

export default defineConfig({
  // The library, the `flashcard-workers` bin, and plain entries for PM2/systemd.
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli.ts',
    orchestrator: 'src/bin/orchestrator.ts',
    transcription: 'src/bin/transcription.ts',
  },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
})
