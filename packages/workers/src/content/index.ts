export { ContentNotFoundError, type ContentSource, type ModuleRef, type SourceDocument } from './types.js'
export { FilesystemContentSource, SUPPORTED_EXTENSIONS, MAX_CONTENT_FILE_BYTES } from './filesystem.js'
export { inlineDocument } from './inline.js'
