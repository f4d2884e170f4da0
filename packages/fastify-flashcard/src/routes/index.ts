import type { FastifyInstance } from 'fastify'
import type { RouteContext } from '../context.js'
import { deckExportRoutes } from './deck-exports.js'
import { deckRoutes } from './decks.js'
import { generationRoutes } from './generation.js'
import { jobLogRoutes } from './job-logs.js'
import { jobRoutes } from './jobs.js'
import { healthRoute, metricsRoute } from './operations.js'
import { reviewRoutes } from './review.js'
import { transcriptionRoutes } from './transcription.js'

type Routes = (app: FastifyInstance, ctx: RouteContext) => Promise<void>

/** The OpenAPI `security` of the routes behind a bearer token. */
const BEARER = [{ bearerAuth: [] }]

/**
 * Documents every route of `scope` with `security`. Set in place: @fastify/swagger keeps the
 * route's options and reads their schema when it builds the document.
 */
function documentSecurity(scope: FastifyInstance, security: Record<string, string[]>[]): void {
  scope.addHook('onRoute', (route) => {
    if (route.schema) route.schema.security = security
  })
}

/** Each route module in a scope of its own (its hooks, such as the deck store's readiness, stay its own). */
async function registerAll(scope: FastifyInstance, ctx: RouteContext, list: Routes[]): Promise<void> {
  for (const routes of list) await scope.register(async (child: FastifyInstance) => routes(child, ctx))
}

/**
 * The plugin's routes in two scopes: those behind a bearer token, where the auth hook and the
 * OpenAPI security are set once for all, and those open to anyone (health and metrics when made
 * public, the review page's static files).
 */
export async function registerRoutes(api: FastifyInstance, ctx: RouteContext): Promise<void> {
  const { options } = ctx
  const open: Routes[] = []
  const authenticated: Routes[] = [jobRoutes('orchestrator'), generationRoutes, jobRoutes('transcription'), transcriptionRoutes, jobLogRoutes]
  const scopeOf = (isPublic: boolean) => (isPublic ? open : authenticated)
  scopeOf(options.publicHealth).push(healthRoute)
  scopeOf(options.publicMetrics).push(metricsRoute)
  authenticated.push(deckRoutes, deckExportRoutes)
  if (options.review) open.push(reviewRoutes)

  await api.register(async (scope: FastifyInstance) => {
    scope.addHook('onRequest', ctx.authenticate)
    documentSecurity(scope, BEARER)
    await registerAll(scope, ctx, authenticated)
  })
  await api.register(async (scope: FastifyInstance) => {
    documentSecurity(scope, [])
    await registerAll(scope, ctx, open)
  })
}
