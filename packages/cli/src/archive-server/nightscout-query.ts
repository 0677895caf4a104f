/**
Nightscout API v1's entries query: `count` (default 10) and MongoDB-style bounds such as
`find[date][$gte]=1704067200000` or `find[dateString][$lt]=2024-01-02`.
@module
*/
import { QueryError, countParam, sourceParam, type ArchiveWindow } from './query-error.js'

/** Nightscout answers the newest 10 entries when no count is given. */
export const NIGHTSCOUT_DEFAULT_COUNT = 10

const FIND_KEY = /^find\[([^\]]*)\](?:\[([^\]]*)\])?$/
const OPERATORS = ['$gte', '$gt', '$lte', '$lt'] as const
type Operator = (typeof OPERATORS)[number] | '$eq'

// A UTC ISO time as Nightscout stores dateString, and the prefixes of it people query with.
const FULL_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const ISO_PREFIX = /^\d{4}-\d{2}-\d{2}(?:T\d{2}(?::\d{2}(?::\d{2})?)?)?$/
const ZONED_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/

/** What an entries request asks for; `empty` when it filters on a type the archive never holds. */
export interface NightscoutQuery extends ArchiveWindow {
  readonly empty: boolean
}

/** Reads the query string of an entries request. Throws {@link QueryError} on a bad value. */
export function parseNightscoutQuery(params: URLSearchParams): NightscoutQuery {
  const window: ArchiveWindow = {}
  let empty = false
  for (const [key, value] of params) {
    const match = FIND_KEY.exec(key)
    if (!match) continue
    const [, field = '', operator] = match
    if (field === 'type') {
      if (operator !== undefined)
        throw new QueryError(`${key} is not supported; use find[type]=sgv`)
      if (value !== 'sgv') empty = true
      continue
    }
    if (field !== 'date' && field !== 'dateString') {
      throw new QueryError(`${key} is not supported: filter on find[date] or find[dateString]`)
    }
    const op = (operator ?? '$eq') as Operator
    if (operator !== undefined && !(OPERATORS as readonly string[]).includes(operator)) {
      throw new QueryError(`${key}: the operator must be $gte, $gt, $lte or $lt`)
    }
    const [from, to] =
      field === 'date' ? dateBounds(key, value, op) : dateStringBounds(key, value, op)
    if (from !== undefined) window.from = Math.max(window.from ?? from, from)
    if (to !== undefined) window.to = Math.min(window.to ?? to, to)
  }
  const limit = countParam(params.get('count'), NIGHTSCOUT_DEFAULT_COUNT)
  const source = sourceParam(params.get('source'))
  return {
    ...window,
    ...(limit !== undefined ? { limit } : {}),
    ...(source !== undefined ? { source } : {}),
    empty,
  }
}

type Bounds = [from: number | undefined, to: number | undefined]

/** `date` is epoch milliseconds. */
function dateBounds(key: string, value: string, op: Operator): Bounds {
  const text = value.trim()
  const ms = /^-?\d{1,16}(?:\.\d+)?$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isFinite(ms)) {
    throw new QueryError(`${key} must be a time in epoch milliseconds, got "${value}"`)
  }
  return boundsOf(op, ms)
}

/**
`dateString` compares as text in Nightscout, against UTC ISO times such as
`2024-01-01T00:00:00.000Z`. A date or a shorter time is therefore a prefix: every time that
starts with it sorts after it, so `$gte`/`$gt 2024-01-01` both mean from that midnight (UTC), and
`$lt`/`$lte 2024-01-02` both mean before the next. Times with a zone are read as instants.
*/
function dateStringBounds(key: string, value: string, op: Operator): Bounds {
  // An unencoded + in a query string arrives as a space: `…T08:00:00 02:00`.
  const text = value.trim().replace(/(\d) (\d{2}:\d{2})$/, '$1+$2')
  if (FULL_ISO.test(text) || ZONED_ISO.test(text)) {
    const ms = Date.parse(text)
    if (Number.isFinite(ms)) return boundsOf(op, ms)
  } else if (ISO_PREFIX.test(text)) {
    const ms = Date.parse(`${text}${'0000-01-01T00:00:00.000Z'.slice(text.length)}`)
    if (Number.isFinite(ms)) {
      if (op === '$gte' || op === '$gt') return [ms, undefined]
      if (op === '$lte' || op === '$lt') return [undefined, ms]
      // Equality with a prefix matches no stored dateString, as in Nightscout.
      return [ms, ms]
    }
  }
  throw new QueryError(
    `${key} must be a UTC date or time such as 2024-01-01 or 2024-01-01T08:00:00.000Z, got "${value}"`,
  )
}

function boundsOf(op: Operator, ms: number): Bounds {
  switch (op) {
    case '$gte':
      return [Math.ceil(ms), undefined]
    case '$gt':
      return [Math.floor(ms) + 1, undefined]
    case '$lte':
      return [undefined, Math.floor(ms) + 1]
    case '$lt':
      return [undefined, Math.ceil(ms)]
    case '$eq':
      return Number.isInteger(ms) ? [ms, ms + 1] : [ms, ms]
  }
}
