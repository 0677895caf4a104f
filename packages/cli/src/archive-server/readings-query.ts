import { TIME_FORMS, parseTime } from '../parse-time.js'
import { QueryError, countParam, sourceParam, type ArchiveWindow } from './query-error.js'

/** What a `/readings.*` request asks for. */
export interface ReadingsQuery extends ArchiveWindow {
  readonly order: 'asc' | 'desc'
  readonly excelEu: boolean
}

/**
Reads `from`, `to` (the time forms of `glucoshare export`), `source`, `count`, `order` (`asc`,
the default, or `desc`) and `excel-eu` (`true`/`1`). Throws {@link QueryError} on a bad value.
*/
export function parseReadingsQuery(params: URLSearchParams, now: number): ReadingsQuery {
  const from = timeParam('from', params.get('from'), now)
  const to = timeParam('to', params.get('to'), now)
  if (from !== undefined && to !== undefined && from >= to) {
    throw new QueryError('from must be before to')
  }
  const limit = countParam(params.get('count'), undefined)
  const source = sourceParam(params.get('source'))
  const order = params.get('order')?.trim().toLowerCase() ?? 'asc'
  if (order !== 'asc' && order !== 'desc') {
    throw new QueryError(`order must be asc or desc, got "${params.get('order')}"`)
  }
  return {
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(source !== undefined ? { source } : {}),
    order,
    excelEu: booleanParam('excel-eu', params.get('excel-eu')),
  }
}

function timeParam(name: string, value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined
  const time = parseTime(value, now)
  if (time === undefined) throw new QueryError(`${name} must be ${TIME_FORMS}; got "${value}"`)
  return time
}

function booleanParam(name: string, value: string | null): boolean {
  if (value === null) return false
  const text = value.trim().toLowerCase()
  if (['', '1', 'true', 'yes'].includes(text)) return true
  if (['0', 'false', 'no'].includes(text)) return false
  throw new QueryError(`${name} must be true or false, got "${value}"`)
}
