import type { Operation } from './operation.js'
import { compileOperation, operationPath, type CompiledOperation } from './compiled-operation.js'

/**
Finds the Share operation a request names, as Share's service does: the path compared without
regard to case, a trailing slash ignored, the query string left to the operation.
*/
export class ShareRouter {
  readonly #byPath = new Map<string, CompiledOperation>()

  constructor(operations: readonly Operation[]) {
    for (const operation of operations) {
      this.#byPath.set(operationPath(operation).toLowerCase(), compileOperation(operation))
    }
  }

  /** The operation for `method` and `url`, or `undefined` when no operation serves them. */
  match(method: string | undefined, url: string | undefined): CompiledOperation | undefined {
    if (url === undefined) return undefined
    const query = url.indexOf('?')
    let path = (query < 0 ? url : url.slice(0, query)).toLowerCase()
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1)
    const compiled = this.#byPath.get(path)
    if (!compiled || !(compiled.operation.methods as readonly string[]).includes(method ?? ''))
      return undefined
    return compiled
  }

  /** Every path served, lower-cased, with its methods. */
  routes(): Map<string, Set<string>> {
    const routes = new Map<string, Set<string>>()
    for (const [path, { operation }] of this.#byPath) routes.set(path, new Set(operation.methods))
    return routes
  }
}
