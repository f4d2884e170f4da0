import type { TSchema, Static } from 'typebox'
import { Compile } from 'typebox/compile'
import { FlashcardError } from './errors.js'
import type { Validator } from 'typebox/compile'

const compiled = new WeakMap<TSchema, Validator>()

function validatorFor(schema: TSchema): Validator {
  let validator = compiled.get(schema)
  if (!validator) {
    validator = Compile(schema) as unknown as Validator
    compiled.set(schema, validator)
  }
  return validator
}

/** One line per problem, each naming the field: `settings.target_card_count: must be <= 200`. */
export function describeErrors(schema: TSchema, value: unknown, root: string): string[] {
  return validatorFor(schema)
    .Errors(value)
    .slice(0, 10)
    .map((error) => {
      const path = error.instancePath.split('/').filter(Boolean).join('.')
      return `${path ? `${root}.${path}` : root}: ${error.message}`
    })
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
