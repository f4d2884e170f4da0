import { redactText } from './job-log/redact.js'

/*
 * Absolute filesystem paths in text served to clients (job errors, 5xx messages) tell an
 * attacker how the server is laid out. Logs keep them: operators need them there.
 */

// A `/` at the start or after a space, quote, bracket, `=` or `:`, then two or more segments.
// Each segment is non-slash characters followed by one slash, so the scan stays linear.
const ABSOLUTE_PATH = /(?<=^|[\s'"(=:[])\/(?:[^\s'"/()[\]]+\/)+([^\s'"/()[\]]*)/g

/** `text` with every absolute path cut to `…/<last segment>`: `no folder …/mod-1`. */
export function hideServerPaths(text: string): string {
  return text.includes('/') ? text.replace(ABSOLUTE_PATH, (_path, last: string) => `…/${last}`) : text
}

/** Text about a failure as a client may see it: no secrets, no server paths (job errors, 5xx messages). */
export function clientSafeText(text: string): string {
  return hideServerPaths(redactText(text))
}
