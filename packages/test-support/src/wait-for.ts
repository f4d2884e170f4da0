import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Polls `check` until it returns a truthy value (which it resolves with) or the deadline passes.
 * A check that throws counts as "not yet"; the timeout error names what it waited for and the
 * last error seen.
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  for (;;) {
    try {
      const value = await check()
      if (value) return value
      lastError = undefined
    } catch (err) {
      lastError = err
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : ''
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`)
    }
    await sleep(everyMs)
  }
}
