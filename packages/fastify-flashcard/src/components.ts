import type { FastifyInstance } from 'fastify'
import Type, { type Static, type TSchema, type TUnsafe } from 'typebox'

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

/** A reference to a named schema, typed as the schema itself for the route handlers. */
export function ref<T extends TSchema>(target: Component<T>, options: Record<string, unknown> = {}): TUnsafe<Static<T>> {
  return Type.Unsafe<Static<T>>({ ...options, $ref: `${target.$id}#` })
}

/** Registers every named schema in the plugin's scope, before its routes refer to them. */
export function registerComponents(api: FastifyInstance): void {
  for (const schema of registered) api.addSchema(schema)
}

/** The name of a named schema in the document: its id without the namespace. */
export function nameOf(schema: Component): string {
  return schema.$id.slice(NAMESPACE.length)
}

/**
 * The component name of a schema in the plugin's own document (@fastify/swagger's `refResolver`):
 * `Card` rather than `def-3`.
 */
export function componentName(json: { $id?: string }, index: number): string {
  return json.$id?.startsWith(NAMESPACE) ? nameOf(json as Component) : `def-${index}`
}
