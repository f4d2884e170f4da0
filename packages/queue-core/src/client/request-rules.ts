import { FlashcardError } from '../errors.js'
import type { GenerateBatchBody } from '../schemas.js'

/** The mode-dependent rules a JSON schema cannot say clearly; each error names the field. */
export function checkTarget(body: GenerateBatchBody): void {
  const { mode, target } = body
  const fail = (field: string, message: string): never => {
    throw new FlashcardError('VALIDATION_ERROR', `body.${field}: ${message}`, { details: { field: `body.${field}` } })
  }
  if (mode === 'single_module') {
    if (target.module_id === undefined) fail('target.module_id', 'is required when mode is "single_module"')
    if (target.module_ids !== undefined) fail('target.module_ids', 'is not allowed when mode is "single_module" (use target.module_id)')
  } else if (mode === 'modules') {
    if (target.module_ids === undefined) fail('target.module_ids', 'is required when mode is "modules"')
    if (target.module_id !== undefined) fail('target.module_id', 'is not allowed when mode is "modules" (use target.module_ids)')
    if (body.content !== undefined) fail('content', 'inline content is only allowed when mode is "single_module"')
  } else {
    if (target.module_id !== undefined || target.module_ids !== undefined) {
      fail(target.module_id !== undefined ? 'target.module_id' : 'target.module_ids', 'is not allowed when mode is "course"')
    }
    if (body.content !== undefined) fail('content', 'inline content is only allowed when mode is "single_module"')
  }
}
