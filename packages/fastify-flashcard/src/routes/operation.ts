import type { TSchema } from 'typebox'
import type { Component } from '../components.js'
import { dataEnvelope, responses } from '../envelope.js'

/**
 * The OpenAPI head of the routes of one module: the module's tag once, each route its operation
 * id, summary and description.
 */
export function operationsOf(tag: string) {
  return (operationId: string, summary: string, description: string) => ({ operationId, tags: [tag], summary, description })
}

/** A route's `response` map when it answers 200 with one success envelope (`example` shown in the document) or a failure. */
export function okResponses<T extends TSchema>(envelope: Component<T>, example: unknown, failures: number[]) {
  return responses({ 200: dataEnvelope(envelope, example) }, failures)
}

/** A success answer: `{ success: true, data }`. */
export function ok<T>(data: T): { success: true; data: T } {
  return { success: true, data }
}
