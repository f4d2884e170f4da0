import { createHash } from 'node:crypto'
import { join, resolve } from 'node:path'

/**
 * What tenants submit (transcripts) lives apart from the operator's shared material:
 * `CONTENT_DIR/.tenants/<tenant>/<course_id>/<module_id>/`. Course ids cannot start with a dot,
 * so no course folder of the shared tree can name it, and readers that skip hidden entries never
 * wander into it.
 */
export const TENANTS_FOLDER = '.tenants'

/** A tenant id safe as a folder name on any filesystem: lower-case ids as they are, anything else hashed. */
const PLAIN_TENANT = /^[a-z0-9][a-z0-9_-]{0,63}$/

/**
 * The tenant's folder name. A tenant id may hold any character (the host's auth decides), so ids
 * that could mean something to a filesystem (separators, dots, upper case that a case-insensitive
 * disk would fold) become `_` + their SHA-256; a plain id never starts with `_`, so the two forms
 * cannot collide.
 */
export function tenantFolderName(tenant: string): string {
  if (PLAIN_TENANT.test(tenant)) return tenant
  return `_${createHash('sha256').update(tenant).digest('hex').slice(0, 40)}`
}

/** `CONTENT_DIR/.tenants/<tenant>`: the root of one tenant's submissions. */
export function tenantRoot(contentDir: string, tenant: string): string {
  return join(resolve(contentDir), TENANTS_FOLDER, tenantFolderName(tenant))
}
