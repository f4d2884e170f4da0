import { defineConfig } from 'tsup'
import { libraryBuild } from '../tsup.library.js'

export default defineConfig({
  ...libraryBuild,
  entry: ['src/index.ts'],
  // import.meta.url (where the review page assets are) in the CommonJS build too.
  shims: true,
})
