import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import type { TSchema } from '@sinclair/typebox'
import { invalidArgument } from './share-fault.js'

// Query values arrive as strings, so scalars are coerced to the schema's type ("10" → 10).
const ajv = new Ajv({ coerceTypes: true, allErrors: false, strict: false, useDefaults: true })
ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i)

/** A compiled check that coerces in place and throws `InvalidArgument` naming the bad field. */
export type Validator = (value: unknown) => void

/** Compiles a TypeBox schema into a {@link Validator}; `what` names the value in messages. */
export function compileValidator(schema: TSchema, what: string): Validator {
  const check: ValidateFunction = ajv.compile(schema)
  return (value) => {
    if (!check(value)) throw invalidArgument(describe(check.errors?.[0], what))
  }
}

function describe(error: ErrorObject | null | undefined, what: string): string {
  if (!error) return `Invalid ${what}.`
  const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.')
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty?: unknown }).missingProperty)
    return `${path ? `${path}.` : ''}${missing} is required.`
  }
  const subject = path || what
  return `${subject} ${error.message ?? 'is invalid'}.`
}
