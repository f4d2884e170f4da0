import type { TSchema } from 'typebox'
import type { Component } from '../components.js'
import { dataEnvelope, responses } from '../envelope.js'

/** What a route's documentation says: a one-line summary and a description. */
export interface OperationDocs {
  summary: string
  description: string
}

/** A route's OpenAPI head: its operation id, its module's tag, its summary and description. */
export interface OperationHead extends OperationDocs {
  operationId: string
  tags: string[]
}

/**
 * The OpenAPI heads of one module's routes, from the table of their docs by operation id: the
 * wording of a module's routes reads in one place, its tag is written once, and an operation id
 * cannot be given twice (it is a key of one object).
 */
export function operationTable<Id extends string>(tag: string, table: Record<Id, OperationDocs>): Record<Id, OperationHead> {
  const entries = Object.entries<OperationDocs>(table).map(([operationId, docs]) => [operationId, { operationId, tags: [tag], ...docs }])
  return Object.fromEntries(entries) as Record<Id, OperationHead>
}

/** A route's `response` map when it answers 200 with one success envelope (`example` shown in the document) or a failure. */
export function okResponses<T extends TSchema>(envelope: Component<T>, example: unknown, failures: number[]) {
  return responses({ 200: dataEnvelope(envelope, example) }, failures)
}

/** A success answer: `{ success: true, data }`. */
export function ok<T>(data: T): { success: true; data: T } {
  return { success: true, data }
}
