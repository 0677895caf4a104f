/**
Times given on the command line and in query strings (`--from`, `--to`, `from=`, `to=`): an ISO
date or date-time, a relative form counted back from now, `now`, or epoch milliseconds.
@module
*/

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}

const RELATIVE = /^-?(\d{1,7})(s|m|min|h|d|w)$/
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i
// Epoch ms from 2001 on: 13 digits, so a year such as 2026 is never read as a time.
const EPOCH_MS = /^\d{13}$/

/** What {@link parseTime} accepts, for error messages and help texts. */
export const TIME_FORMS =
  'an ISO date or time (2026-11-23, 2026-11-23T14:05, 2026-11-23T14:05:00Z, 2026-11-23T14:05+01:00), a time back from now (30m, 24h, -7d, 2w; s, m/min, h, d, w), now, or epoch milliseconds'

/**
Reads a time as epoch milliseconds, or `undefined` when `value` is not one of {@link TIME_FORMS}.
A date or time without a zone is in this computer's time zone (the `TZ` variable); a relative
form such as `-7d` or `7d` means that long before `now`.
@example parseTime('-7d', Date.UTC(2026, 10, 23)) // Date.UTC(2026, 10, 16)
*/
export function parseTime(value: string, now: number): number | undefined {
  const text = value.trim()
  if (text.toLowerCase() === 'now') return now
  if (EPOCH_MS.test(text)) return Number(text)
  const relative = RELATIVE.exec(text.toLowerCase())
  if (relative) return now - Number(relative[1]) * UNIT_MS[relative[2]!]!
  const iso = ISO.exec(text)
  return iso ? isoTime(iso) : undefined
}

function isoTime(match: RegExpExecArray): number | undefined {
  const [year, month, day, hour = 0, minute = 0, second = 0] = match
    .slice(1, 7)
    .map((part) => (part === undefined ? undefined : Number(part)))
  const ms = match[7] === undefined ? 0 : Number(match[7].padEnd(3, '0'))
  const zone = match[8]
  if (hour > 23 || minute > 59 || second > 59) return undefined
  if (zone !== undefined && !validZone(zone)) return undefined
  const fields = [year!, month! - 1, day!, hour, minute, second, ms] as const
  let time: number
  if (zone === undefined) {
    const local = new Date(...fields)
    // Date rolls 2026-02-30 over to March: a field that changed was out of range.
    if (local.getDate() !== day || local.getMonth() !== month! - 1) return undefined
    time = local.getTime()
  } else {
    time = Date.UTC(...fields)
    if (new Date(time).getUTCDate() !== day || new Date(time).getUTCMonth() !== month! - 1) {
      return undefined
    }
    time -= zoneMinutes(zone) * 60_000
  }
  return Number.isFinite(time) ? time : undefined
}

function validZone(zone: string): boolean {
  if (zone.toUpperCase() === 'Z') return true
  const digits = zone.slice(1).replace(':', '')
  return Number(digits.slice(0, 2)) <= 14 && Number(digits.slice(2, 4)) <= 59
}

function zoneMinutes(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0
  const digits = zone.slice(1).replace(':', '')
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))
  return zone.startsWith('-') ? -minutes : minutes
}
