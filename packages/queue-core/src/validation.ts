import type { TSchema, Static } from 'typebox'
import { Compile } from 'typebox/compile'
import { FlashcardError } from './errors.js'
import type { Validator } from 'typebox/compile'

const compiled = new WeakMap<TSchema, Validator>()

function validatorFor(schema: TSchema): Validator {
  let validator = compiled.get(schema)
  if (!validator) {
    validator = Compile(schema)
    compiled.set(schema, validator)
  }
  return validator
}

/** The parts of a JSON Schema validation error (TypeBox's or Ajv's) that name the problem. */
export interface SchemaError {
  keyword: string
  instancePath: string
  message?: string
  params?: Record<string, unknown>
}

function fieldName(root: string, instancePath: string): string {
  const path = instancePath.split('/').filter(Boolean).join('.')
  return path ? `${root}.${path}` : root
}

/**
 * One line per problem, each naming the field: `body.settings.target_card_count must be <= 200`,
 * `body.extra is not allowed`, `body.mode must be one of "a", "b"`. Shared by the HTTP API
 * (errors from Fastify's validator) and job payload checks, so both speak alike.
 */
export function formatSchemaErrors(errors: readonly SchemaError[], root: string, max = 10): string[] {
  const lines: string[] = []
  const add = (line: string) => {
    if (!lines.includes(line)) lines.push(line)
  }
  // A union of literals reports one `const` miss per member; say it once, listing the choices.
  const choices = new Map<string, unknown[]>()
  for (const error of errors) {
    if (error.keyword === 'const') {
      const list = choices.get(error.instancePath) ?? []
      list.push(error.params?.allowedValue)
      choices.set(error.instancePath, list)
    }
  }
  for (const error of errors) {
    const field = fieldName(root, error.instancePath)
    const params = error.params ?? {}
    switch (error.keyword) {
      case 'boolean':
        break // the `additionalProperties` error below names the field better
      case 'additionalProperties': {
        const extra = (params.additionalProperties ?? params.additionalProperty) as string | string[] | undefined
        for (const name of [extra ?? []].flat()) add(`${field}.${name} is not allowed (unknown field)`)
        break
      }
      case 'required': {
        const missing = (params.requiredProperties ?? params.missingProperty) as string | string[] | undefined
        for (const name of [missing ?? []].flat()) add(`${field}.${name} is required`)
        break
      }
      case 'const':
      case 'anyOf': {
        const allowed = choices.get(error.instancePath)
        if (allowed && allowed.length > 0) add(`${field} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`)
        else if (error.keyword === 'anyOf') add(`${field} ${error.message ?? 'matches none of the allowed forms'}`)
        break
      }
      default:
        add(`${field} ${error.message ?? 'is invalid'}`)
    }
  }
  return lines.slice(0, max)
}

/** One line per problem, each naming the field (see formatSchemaErrors). */
export function describeErrors(schema: TSchema, value: unknown, root: string): string[] {
  return formatSchemaErrors(validatorFor(schema).Errors(value), root)
}

/**
 * Returns `value` typed as the schema, or throws a VALIDATION_ERROR naming every bad field.
 * Used on job payloads, so a worker never runs a job whose data it does not understand.
 */
export function assertValid<T extends TSchema>(schema: T, value: unknown, root: string): Static<T> {
  if (validatorFor(schema).Check(value)) return value as Static<T>
  const problems = describeErrors(schema, value, root)
  throw new FlashcardError('VALIDATION_ERROR', `Invalid ${root}: ${problems.join('; ')}`, { details: { problems } })
}
