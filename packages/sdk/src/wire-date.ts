/**
Share's date forms (spec 4.1). Current responses use `Date(ms)` and `Date(ms±hhmm)`; uploads and
pre-2022 responses use `/Date(ms)/`, which raw WCF JSON escapes as `\/Date(ms)\/`.
@module
*/

// Tolerates the leading and trailing slash, WCF's escaped slash, and an optional zone suffix.
const SHARE_DATE_PATTERN = /^\s*(?:\\?\/)?Date\((-?\d+)([+-]\d{4})?\)(?:\\?\/)?\s*$/

/** A Share timestamp: the instant in epoch milliseconds plus the zone offset it carried, if any. */
export interface ShareDate {
  /** Epoch milliseconds (UTC). */
  readonly epochMs: number
  /** The `±hhmm` suffix as minutes east of UTC, or `undefined` when the date carried none. */
  readonly offsetMinutes: number | undefined
}

/**
Parses any Share date form: `/Date(ms)/`, `\/Date(ms)\/`, `Date(ms)`, each with or without a
`+hhmm`/`-hhmm` suffix. Returns `undefined` for anything else.
*/
export function parseShareDate(value: unknown): ShareDate | undefined {
  if (typeof value !== 'string') return undefined
  const plain = plainEpochMs(value)
  if (plain !== undefined) return { epochMs: plain, offsetMinutes: undefined }
  const match = SHARE_DATE_PATTERN.exec(value)
  if (!match) return undefined
  const epochMs = Number(match[1])
  if (!Number.isSafeInteger(epochMs)) return undefined
  const suffix = match[2]
  if (suffix === undefined) return { epochMs, offsetMinutes: undefined }
  const offsetMinutes = parseOffset(suffix)
  return offsetMinutes === undefined ? undefined : { epochMs, offsetMinutes }
}

const SLASH = 0x2f
const CLOSE = 0x29
const DIGIT_0 = 0x30

/**
The epoch of the form every uploader sends, `/Date(ms)/` or `Date(ms)` with no zone and no
sign, read without the pattern: an upload of 288 readings parses 576 dates, and the pattern's
match arrays and substrings were a third of what such an upload allocated. `undefined` for
anything else, which the pattern then reads.
*/
function plainEpochMs(value: string): number | undefined {
  let start = value.charCodeAt(0) === SLASH ? 1 : 0
  if (!value.startsWith('Date(', start)) return undefined
  start += 5
  const close = value.length - (value.charCodeAt(value.length - 1) === SLASH ? 2 : 1)
  if (close <= start || value.charCodeAt(close) !== CLOSE) return undefined
  let epochMs = 0
  for (let i = start; i < close; i++) {
    const digit = value.charCodeAt(i) - DIGIT_0
    if (digit < 0 || digit > 9) return undefined
    epochMs = epochMs * 10 + digit
  }
  return Number.isSafeInteger(epochMs) ? epochMs : undefined
}

function parseOffset(suffix: string): number | undefined {
  const hours = Number(suffix.slice(1, 3))
  const minutes = Number(suffix.slice(3, 5))
  if (hours > 14 || minutes > 59) return undefined
  const total = hours * 60 + minutes
  return suffix.startsWith('-') ? -total : total
}

/** Formats minutes east of UTC as Share's `±hhmm` suffix. */
export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+'
  const abs = Math.abs(Math.trunc(offsetMinutes))
  const hh = String(Math.floor(abs / 60)).padStart(2, '0')
  const mm = String(abs % 60).padStart(2, '0')
  return `${sign}${hh}${mm}`
}

/**
Formats a date in the current wire form: `Date(ms)`, or `Date(ms±hhmm)` when an offset is given.
WT and ST never carry an offset: clients that keep only the digits of WT would misread it.
*/
export function formatShareDate(epochMs: number, offsetMinutes?: number): string {
  return offsetMinutes === undefined
    ? `Date(${epochMs})`
    : `Date(${epochMs}${formatOffset(offsetMinutes)})`
}

/** Formats a date in the legacy (pre-2022, and upload) wire form: `/Date(ms)/`. */
export function formatLegacyShareDate(epochMs: number, offsetMinutes?: number): string {
  return `/${formatShareDate(epochMs, offsetMinutes)}/`
}

/** Share's object-form timestamp, used in follower objects and `SystemUtcTime`. */
export interface WireDateTime {
  DateTime: string
  OffsetMinutes: number
}

/** Formats an instant as Share's `{"DateTime":"/Date(ms)/","OffsetMinutes":n}` object. */
export function formatWireDateTime(epochMs: number, offsetMinutes = 0): WireDateTime {
  return { DateTime: formatLegacyShareDate(epochMs), OffsetMinutes: offsetMinutes }
}
