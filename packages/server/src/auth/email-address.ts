// Deliberately loose: one @, something before it, a dotted domain after it, no spaces.
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@.]{2,}$/

/** True when `value` looks like a deliverable email address. */
export function isEmailAddress(value: string): boolean {
  return value.length <= 320 && EMAIL.test(value)
}
