// Debian's Chromium for the browser tests, installed before the test run when missing (CI runs as
// root on a fresh machine). Installing here rather than inside a test keeps apt out of the TAP streams.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

export const CHROMIUM = '/usr/bin/chromium'

export function ensureChromium() {
  if (existsSync(CHROMIUM)) return
  if (process.getuid?.() !== 0) {
    console.warn(`• ${CHROMIUM} is missing and this is not root: the browser tests will say how to install it`)
    return
  }
  console.log("• installing Debian's chromium for the browser tests (apt-get)…")
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env })
}
