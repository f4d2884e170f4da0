import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

/**
 * Debian's chromium package, installed when missing (CI runs as root; elsewhere the error says
 * what to run). Playwright's own browser download is not used: only the package registry is.
 */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM
  if (process.getuid?.() !== 0) throw new Error(`${CHROMIUM} is missing: run "sudo apt-get install -y chromium" (Debian) first`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  // apt's progress goes to stderr: on stdout it would be read as part of the test's TAP stream
  // (a CI run once reported this file as "no tests found" after installing Chromium).
  const stdio: ['ignore', number, number] = ['ignore', 2, 2]
  execFileSync('apt-get', ['update', '-qq'], { stdio, env })
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio, env })
  return CHROMIUM
}

/** Headless Chromium with a fresh profile that makes no network calls of its own; close() removes the profile. */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'fc-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: ensureChromium(),
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  return {
    context,
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}
