import { DEXCOM_SERVICES_PATH } from '@glucoshare/sdk'
import type { Operation } from './operation.js'
import { compileValidator, type Validator } from './validate.js'

/** The URL path of an operation. */
export function operationPath(operation: Pick<Operation, 'area' | 'name'>): string {
  return `${DEXCOM_SERVICES_PATH}/${operation.area}/${operation.name}`
}

/** An operation with its parameter and body checks compiled once, at start-up. */
export interface CompiledOperation {
  readonly operation: Operation
  /** Parameter names other than `sessionId`, which the transport reads itself. */
  readonly paramNames: readonly string[]
  readonly checkParams: Validator
  readonly checkBody: Validator | undefined
}

export function compileOperation(operation: Operation): CompiledOperation {
  const paramNames = Object.keys(operation.params.properties).filter((n) => n !== 'sessionId')
  const { sessionId: _omit, ...rest } = operation.params.properties
  const required = (operation.params.required ?? []).filter((n) => n !== 'sessionId')
  const paramSchema = { ...operation.params, properties: rest, required }
  return {
    operation,
    paramNames,
    checkParams: compileValidator(paramSchema, 'parameters'),
    checkBody: operation.body ? compileValidator(operation.body, 'request body') : undefined,
  }
}
