import type { FastifyInstance } from 'fastify'
import Type, { type Static, type TProperties, type TSchema, type TUnsafe } from 'typebox'

/*
 * Named schemas, registered once per plugin scope (`addSchema`) and referenced from the routes
 * with `$ref`: the OpenAPI document lists them under `components.schemas` and a generated client
 * gets one named type per job, card, deck and envelope instead of thousands of inlined lines.
 * The response serializer resolves the same references, so documentation and output agree.
 */

/** Namespace of the plugin's schema ids: a host's own shared schemas (an `Error`, a `Card`) never collide. */
const NAMESPACE = 'flashcard.'

/** A schema with the `$id` it is registered under. */
export type Component<T extends TSchema = TSchema> = T & { $id: string }

const registered: Component[] = []

/** Declares a named schema: `name` is its name in the document (`#/components/schemas/<name>`). */
export function component<T extends TSchema>(name: string, schema: T): Component<T> {
  const named = { ...schema, $id: `${NAMESPACE}${name}` } as Component<T>
  registered.push(named)
  return named
}

/** A named object schema that refuses keys it does not list: the shape of every answer of the API. */
export function closedComponent<P extends TProperties>(name: string, properties: P) {
  return component(name, Type.Object(properties, { additionalProperties: false }))
}

/** A reference to a named schema, typed as the schema itself for the route handlers. */
export function ref<T extends TSchema>(target: Component<T>, options: Record<string, unknown> = {}): TUnsafe<Static<T>> {
  return Type.Unsafe<Static<T>>({ ...options, $ref: `${target.$id}#` })
}

/** Registers every named schema in the plugin's scope, before its routes refer to them. */
export function registerComponents(api: FastifyInstance): void {
  for (const schema of registered) api.addSchema(schema)
}

/** The name of a named schema in the document: its id without the namespace. */
export function nameOf(schema: { $id: string }): string {
  return schema.$id.slice(NAMESPACE.length)
}

/** How @fastify/swagger names a shared schema in `components.schemas` (its `refResolver.buildLocalReference`). */
export type BuildLocalReference = (json: Record<string, unknown>, baseUri: object, fragment: string, index: number) => string

/** @fastify/swagger's own naming: `def-<index>`, the schema's `$id` kept as its title. */
const swaggerDefault: BuildLocalReference = (json, _baseUri, _fragment, index) => {
  if (!json.title && typeof json.$id === 'string') json.title = json.$id
  return `def-${index}`
}

/**
 * A `refResolver` for @fastify/swagger that names the plugin's schemas as the plugin's own document
 * does (`Card`, `GenerationJob`, `Error`, `GenerationJobEnvelope`, …) and leaves every other
 * shared schema to `fallback` (@fastify/swagger's default `def-N` unless given). The plugin's own
 * document uses it; a host that registers @fastify/swagger itself passes it to get the same names.
 */
export function flashcardRefResolver(fallback: BuildLocalReference = swaggerDefault): { buildLocalReference: BuildLocalReference } {
  return {
    buildLocalReference: (json, baseUri, fragment, index) => {
      const { $id } = json
      return typeof $id === 'string' && $id.startsWith(NAMESPACE) ? nameOf({ $id }) : fallback(json, baseUri, fragment, index)
    },
  }
}
