import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'

/** Path of the OpenAPI document, under the plugin's prefix. */
export const OPENAPI_PATH = '/openapi.json'

/** The security scheme every authenticated route refers to; add it yourself if you register @fastify/swagger. */
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

/**
 * Registers @fastify/swagger on the host (OpenAPI 3.1, so TypeBox's JSON Schema is used as is),
 * unless the host already did; then the plugin's routes simply join the host's document.
 */
export async function registerOpenApi(fastify: FastifyInstance, prefix: string): Promise<void> {
  if (fastify.hasDecorator('swagger')) return
  await fastify.register(swagger, {
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
