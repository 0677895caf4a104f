import { ShareFault, invalidArgument } from './share-fault.js'

/** The parts of a request a Share operation reads its inputs from. */
export interface RequestInput {
  /** Query parameters by lower-cased name (first occurrence wins). */
  readonly query: ReadonlyMap<string, string>
  /** The parsed body: a JSON value, form fields, or `undefined` when the body was empty. */
  readonly body: unknown
  /** Body fields by lower-cased name, when the body is a JSON object or a form. */
  readonly bodyFields: ReadonlyMap<string, unknown>
}

/** Reads the query string into a map keyed by lower-cased name. */
export function parseQuery(url: string): Map<string, string> {
  const query = new Map<string, string>()
  const start = url.indexOf('?')
  if (start < 0) return query
  for (const [name, value] of new URLSearchParams(url.slice(start + 1))) {
    const key = name.toLowerCase()
    if (!query.has(key)) query.set(key, value)
  }
  return query
}

/**
Parses a request body the way Share clients send it: empty, `{}`, `""`, JSON of any kind, or
form fields (one follower client posts `application/x-www-form-urlencoded`). Whatever the
Content-Type says, JSON is tried first. A body that is none of these is a 400.
*/
export function parseBody(raw: Buffer | undefined, contentType: string | undefined): unknown {
  if (!raw || raw.length === 0) return undefined
  const text = raw.toString('utf8').replace(/^\uFEFF/, '')
  if (text.trim() === '') return undefined
  try {
    const value: unknown = JSON.parse(text)
    return value === '' ? undefined : value
  } catch {
    if (contentType?.toLowerCase().includes('application/x-www-form-urlencoded')) {
      return Object.fromEntries(new URLSearchParams(text))
    }
    throw invalidArgument('The request body is not valid JSON.', 400)
  }
}

/** Lower-cased field map of a body that is a JSON object (or form); empty otherwise. */
export function bodyFieldsOf(body: unknown): Map<string, unknown> {
  const fields = new Map<string, unknown>()
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fields
  for (const [name, value] of Object.entries(body)) {
    const key = name.toLowerCase()
    if (!fields.has(key)) fields.set(key, value)
  }
  return fields
}

/** A named parameter from the query string or, failing that, the body. */
export function readParam(input: RequestInput, name: string): unknown {
  const key = name.toLowerCase()
  return input.query.get(key) ?? input.bodyFields.get(key)
}

/** Raised when a body that must be JSON is not; kept apart so the 400 is explicit. */
export function requireBody(input: RequestInput, what: string): unknown {
  if (input.body === undefined)
    throw new ShareFault('InvalidArgument', `The request body must hold ${what}.`)
  return input.body
}
