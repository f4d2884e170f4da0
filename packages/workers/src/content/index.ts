export { ContentNotFoundError } from '../errors.js'
export type { ContentSource, ModuleRef, SourceDocument } from './types.js'
export { FilesystemContentSource, SUPPORTED_EXTENSIONS, MAX_CONTENT_FILE_BYTES } from './filesystem.js'
export { inlineDocument } from './inline.js'
