/**
Checks on how a Share login was typed, before any attempt: the shapes Dexcom accepts for
usernames, emails, phone numbers (`+<country><number>`) and account ids, and the copy-and-paste
accidents (spaces, invisible characters) behind many "password is invalid" reports. Messages
quote the username but never the password.
@module
*/
import { DEXCOM_DEFAULT_UUID, normalizeUuid } from '@glucoshare/sdk'

/** One result: `error` means a login typed this way cannot work, so doctor does not try it. */
export interface Finding {
  readonly level: 'ok' | 'warning' | 'error'
  readonly message: string
  /** What to do about it. */
  readonly fix?: string
}

// Characters that do not show on screen but are part of the text: controls, soft hyphen,
// zero-width spaces and joiners, direction marks, word joiner, byte order mark.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this finds
const INVISIBLE = /[\u0000-\u001f\u007f\u00ad\u200b-\u200f\u202a-\u202e\u2060\ufeff]/
const PHONE_SHAPED = /^[+\d\s\-().]+$/
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/

/** Checks a username, email or phone number as it was given (before trimming). */
export function checkUsername(raw: string): Finding[] {
  const findings: Finding[] = []
  const name = raw.trim()
  if (raw !== name) {
    findings.push({
      level: 'warning',
      message: 'the username starts or ends with a space',
      fix: 'remove the spaces: glucoshare ignores them, but other apps (Nightscout bridges, pydexcom) send them to Dexcom',
    })
  }
  const invisible = INVISIBLE.exec(name)
  if (invisible) {
    const code = invisible[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')
    return [
      ...findings,
      {
        level: 'error',
        message: `the username contains an invisible character (U+${code}), usually from copy and paste`,
        fix: 'type the username again by hand',
      },
    ]
  }
  if (name.includes('@')) return [...findings, ...checkEmail(name)]
  const digits = name.replace(/\D/g, '')
  if (PHONE_SHAPED.test(name) && digits.length >= 7)
    return [...findings, ...checkPhone(name, digits)]
  if (/\s/.test(name)) {
    return [
      ...findings,
      {
        level: 'error',
        message: `"${name}" contains a space; Dexcom usernames, emails and phone numbers never do`,
        fix: 'check the username in the Dexcom app (Settings > Account)',
      },
    ]
  }
  return [...findings, { level: 'ok', message: `"${name}" has the shape of a username` }]
}

function checkEmail(name: string): Finding[] {
  if (EMAIL.test(name) && !name.includes('..')) {
    return [{ level: 'ok', message: `"${name}" has the shape of an email address` }]
  }
  return [
    {
      level: 'error',
      message: `"${name}" is not a valid email address`,
      fix: 'give the email exactly as in the Dexcom app, such as name@example.com, or the username',
    },
  ]
}

/**
Dexcom wants phone numbers in international form, `+` then the country code then the number,
without spaces or punctuation (pydexcom's FAQ; users.md 2.1).
*/
function checkPhone(name: string, digits: string): Finding[] {
  const compact = `+${digits}`
  if (name.lastIndexOf('+') > 0 || (name.startsWith('+') && digits.startsWith('0'))) {
    return [
      {
        level: 'error',
        message: `"${name}" is not a valid international phone number`,
        fix: 'give it as + then the country code (which never starts with 0) then the number: +15551234567',
      },
    ]
  }
  if (!name.startsWith('+')) {
    if (digits.startsWith('00')) {
      return [
        {
          level: 'error',
          message: `"${name}" starts with the international prefix 00`,
          fix: `write it with + instead: ${`+${digits.slice(2)}`}`,
        },
      ]
    }
    return [
      {
        level: 'warning',
        message: `"${name}" looks like a phone number without its country code`,
        fix: 'if it is a phone number, give it as +<country code><number> without spaces, dropping any leading 0 of the national number: +15551234567 (US), +447700900123 (UK)',
      },
    ]
  }
  if (name !== compact) {
    return [
      {
        level: 'error',
        message: `"${name}" contains spaces or punctuation`,
        fix: `give the phone number as ${compact}`,
      },
    ]
  }
  if (digits.length < 8 || digits.length > 15) {
    return [
      {
        level: 'warning',
        message: `"${name}" has ${digits.length} digits; international numbers have 8 to 15 with the country code`,
        fix: 'check the country code and the number',
      },
    ]
  }
  return [{ level: 'ok', message: `"${name}" has the shape of an international phone number` }]
}

/** Checks an account id: a UUID, with or without hyphens, other than the all-zeros one. */
export function checkAccountId(raw: string): Finding[] {
  const text = raw.trim()
  const hyphenated = /^[0-9a-f]{32}$/i.test(text)
    ? `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`
    : text
  const id = normalizeUuid(hyphenated)
  if (id === undefined || id === DEXCOM_DEFAULT_UUID) {
    return [
      {
        level: 'error',
        message: `"${text}" is not an account id`,
        fix: /@|^\+/.test(text)
          ? 'give usernames, emails and phone numbers with --username; --account-id takes the account UUID'
          : 'the account id is a UUID such as 01234567-89ab-cdef-0123-456789abcdef',
      },
    ]
  }
  return [{ level: 'ok', message: `${id} has the shape of an account id` }]
}

/** Checks the password without revealing any of it. */
export function checkPassword(password: string): Finding[] {
  if (password !== password.trim()) {
    return [
      {
        level: 'warning',
        message: 'the password starts or ends with a space, tab or line break',
        fix: 'if that is not part of the password, remove it (printf %s "$PASSWORD" sends none)',
      },
    ]
  }
  return [{ level: 'ok', message: 'the password has no leading or trailing spaces' }]
}
