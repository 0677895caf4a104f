const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** True when `value` is a canonical 8-4-4-4-12 UUID, in any letter case. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value)
}

/**
Returns the lower-case form of a UUID, or `undefined` when `value` is not one.
Share compares UUIDs case-insensitively (Swift clients send them upper-case) and answers lower-case.
*/
export function normalizeUuid(value: unknown): string | undefined {
  return isUuid(value) ? value.toLowerCase() : undefined
}
