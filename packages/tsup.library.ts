import type { Options } from 'tsup'

/**
 * How every package builds its library entry: ESM and CommonJS with types and source maps for
 * Node 20. Each package's tsup.config.ts adds what is its own (shims, more entries).
 */
export const libraryBuild = {
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
} satisfies Options
