import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import type { RouteContext } from '../context.js'
import { ReviewAssetsMissingError } from '../errors.js'

/**
 * The page may only load its own script and style and talk to its own origin: even if a card's
 * text slipped into the markup, no inline script or foreign resource would run.
 */
export const REVIEW_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

const ASSETS: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'review.js': 'text/javascript; charset=utf-8',
  'review.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
}

// The same code runs from src/routes (tests) and from dist (installed): the assets sit in the
// package's review/ folder, one or two levels up.
function assetDir(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  const found = [join(here, '..', 'review'), join(here, '..', '..', 'review')].find((dir) => existsSync(join(dir, 'index.html')))
  if (!found) throw new ReviewAssetsMissingError(here)
  return found
}

/**
 * The review page: static files, served without a token (they hold no data); the page asks for
 * the token and sends it on each API call, so the deck routes' own auth protects the cards.
 */
export async function reviewRoutes(fastify: FastifyInstance, _ctx: RouteContext): Promise<void> {
  const dir = assetDir()
  const files = Object.entries(ASSETS).map(([name, type]) => ({ name, type, body: readFileSync(join(dir, name)) }))
  const prefix = fastify.prefix

  fastify.get('/review', { schema: { hide: true } }, async (_request, reply) => reply.redirect(`${prefix}/review/`))
  for (const file of files) {
    const paths = file.name === 'index.html' ? ['/review/', '/review/index.html'] : [`/review/${file.name}`]
    for (const path of paths) {
      fastify.get(path, { schema: { hide: true } }, async (_request, reply) =>
        reply
          .header('content-type', file.type)
          .header('content-security-policy', REVIEW_CSP)
          .header('x-content-type-options', 'nosniff')
          .header('referrer-policy', 'no-referrer')
          .header('x-frame-options', 'DENY')
          .header('cache-control', 'no-cache')
          .send(file.body),
      )
    }
  }
}
