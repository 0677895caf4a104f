/** A bad query parameter; `archive serve` answers it with HTTP 400 and this message. */
export class QueryError extends Error {
  override readonly name = 'QueryError'
}

/** The archive window a request asks for. */
export interface ArchiveWindow {
  /** Epoch ms, inclusive. */
  from?: number
  /** Epoch ms, exclusive. */
  to?: number
  source?: string
  limit?: number
}

/** Reads a `count` parameter: a whole number from 1 up. */
export function countParam(value: string | null, fallback: number | undefined): number | undefined {
  if (value === null || value.trim() === '') return fallback
  const count = /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new QueryError(`count must be a whole number from 1 up, got "${value}"`)
  }
  return count
}

/** Reads a `source` parameter: absent or non-empty. */
export function sourceParam(value: string | null): string | undefined {
  if (value === null) return undefined
  if (value.trim() === '') throw new QueryError('source must not be empty')
  return value
}
