import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'

/** Path of the OpenAPI document, under the plugin's prefix. */
export const OPENAPI_PATH = '/openapi.json'

/** The security scheme every authenticated route refers to (added to a host's own document when it lacks it). */
export const BEARER_SECURITY_SCHEME = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    description: 'A token issued by the host (API_TOKENS in the example server). Each token belongs to one tenant.',
  },
} as const

export const OPENAPI_TAGS = [
  { name: 'generation', description: 'Flashcard generation jobs: enqueue, follow, list, cancel, retry, logs.' },
  { name: 'transcription', description: 'Transcription of course files (documents, subtitles, audio, video) into module text.' },
  { name: 'operations', description: 'Health and Prometheus metrics.' },
  { name: 'decks', description: 'Decks: the cards of each module, kept after their jobs; review, edit and export to Anki.' },
]

/** Adds the bearer scheme to a host's document that lacks it (a route transform of @fastify/swagger). */
function withBearerScheme({ schema, url, openapiObject }: { schema: unknown; url: string; openapiObject: { components?: { securitySchemes?: object } } }) {
  const components = (openapiObject.components ??= {})
  components.securitySchemes = { ...BEARER_SECURITY_SCHEME, ...components.securitySchemes }
  return { schema, url }
}

/**
 * OpenAPI for the plugin's scope (`api`, under the prefix), served at `{prefix}/openapi.json`:
 * - a host that registered @fastify/swagger before the plugin gets the plugin's routes in its own
 *   document, and each of them adds the bearer scheme it refers to when that document lacks it;
 * - otherwise @fastify/swagger is registered inside the plugin's scope only: its document holds
 *   the plugin's routes, and the host stays free to register its own @fastify/swagger and
 *   @fastify/swagger-ui, before or after the plugin.
 */
export async function registerOpenApi(api: FastifyInstance, prefix: string): Promise<void> {
  if (api.hasDecorator('swagger')) {
    api.addHook('onRoute', (route) => {
      route.config = { ...route.config, swaggerTransform: withBearerScheme } as typeof route.config
    })
  } else {
    await api.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Flashcard jobs API',
          version: '0.1.0',
          description:
            'Turns course material into study flashcards as background jobs. Every answer is an envelope: ' +
            '`{ success: true, data }` or `{ success: false, error: { code, message, details? } }`. ' +
            `The document itself is served at \`${prefix}${OPENAPI_PATH}\`.`,
        },
        components: { securitySchemes: { ...BEARER_SECURITY_SCHEME } },
        tags: OPENAPI_TAGS,
      },
    })
  }
  api.get(OPENAPI_PATH, { schema: { hide: true } }, async () => api.swagger())
}
