import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import { flashcardRefResolver } from './components.js'

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

/** Who answers for the API: the project's issue tracker (as in package.json). */
const CONTACT = { name: 'flashcard-jobs', url: 'https://github.com/flashcard-jobs/flashcard-jobs/issues' }

export const OPENAPI_TAGS = [
  { name: 'generation', description: 'Flashcard generation jobs: enqueue, follow, list, cancel, retry, logs.' },
  { name: 'transcription', description: 'Transcription of course files (documents, subtitles, audio, video) into module text.' },
  { name: 'operations', description: 'Health and Prometheus metrics.' },
  { name: 'decks', description: 'Decks: the cards of each module, kept after their jobs; review, edit and export to Anki.' },
]

/**
 * Joins a route to a host's own document (a route transform of @fastify/swagger): adds the bearer
 * scheme the route refers to and the plugin's tags, where that document lacks them.
 */
function joinHostDocument({ schema, url, openapiObject }: { schema: unknown; url: string; openapiObject: HostDocument }) {
  const components = (openapiObject.components ??= {})
  components.securitySchemes = { ...BEARER_SECURITY_SCHEME, ...components.securitySchemes }
  // A new array: the one there may be the host's own option.
  const tags = openapiObject.tags ?? []
  openapiObject.tags = [...tags, ...OPENAPI_TAGS.filter((tag) => !tags.some((t) => t.name === tag.name))]
  return { schema, url }
}

interface HostDocument {
  components?: { securitySchemes?: object }
  tags?: { name: string; description?: string }[]
}

/**
 * OpenAPI for the plugin's scope (`api`, under the prefix), served at `{prefix}/openapi.json`:
 * - a host that registered @fastify/swagger before the plugin gets the plugin's routes in its own
 *   document, and each of them adds the bearer scheme and the tag it refers to when that document lacks them;
 * - otherwise @fastify/swagger is registered inside the plugin's scope only: its document holds
 *   the plugin's routes, and the host stays free to register its own @fastify/swagger and
 *   @fastify/swagger-ui, before or after the plugin.
 */
export async function registerOpenApi(api: FastifyInstance, prefix: string): Promise<void> {
  if (api.hasDecorator('swagger')) {
    api.addHook('onRoute', (route) => {
      route.config = { ...route.config, swaggerTransform: joinHostDocument } as typeof route.config
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
          contact: CONTACT,
          license: { name: 'MIT', identifier: 'MIT' },
        },
        // Relative: the document is right for whatever host and port serve it (paths carry the prefix).
        servers: [{ url: '/', description: 'The server that serves this document' }],
        components: { securitySchemes: { ...BEARER_SECURITY_SCHEME } },
        tags: OPENAPI_TAGS,
      },
      // Named schemas appear as `#/components/schemas/Card`, not `def-3`.
      refResolver: flashcardRefResolver(),
    })
  }
  api.get(OPENAPI_PATH, { schema: { hide: true } }, async () => api.swagger())
}
