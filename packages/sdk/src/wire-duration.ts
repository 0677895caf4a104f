/**
Alert delays on the wire are ISO-8601 durations (`PT0M`, `PT30M`, `PT1H`, `PT2H`); the official
app's newer read path also splits .NET `hh:mm:ss` TimeSpans, so both forms are parsed.
@module
*/

const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i
const TIMESPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$/

/** Parses `PT30M`-style or `hh:mm:ss` durations into milliseconds; `undefined` when malformed. */
export function parseWireDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined
  const iso = ISO_DURATION.exec(value.trim())
  if (iso && value.trim().toUpperCase() !== 'P' && !value.trim().toUpperCase().endsWith('T')) {
    const [, d, h, m, s] = iso
    return toMs(Number(d ?? 0), Number(h ?? 0), Number(m ?? 0), Number(s ?? 0))
  }
  const span = TIMESPAN.exec(value.trim())
  if (span) {
    const [, d, h, m, s] = span
    return toMs(Number(d ?? 0), Number(h), Number(m), Number(s))
  }
  return undefined
}

function toMs(days: number, hours: number, minutes: number, seconds: number): number {
  return Math.round((((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000)
}

/** Formats milliseconds as the ISO-8601 duration Share clients send: `PT0M`, `PT30M`, `PT1H`, `PT1H30M`. */
export function formatWireDuration(ms: number): string {
  const totalMinutes = Math.max(0, Math.round(ms / 60_000))
  const hours = Math.floor(totalMinutes / 60)
  const minutes = totalMinutes % 60
  if (hours === 0) return `PT${minutes}M`
  return minutes === 0 ? `PT${hours}H` : `PT${hours}H${minutes}M`
}
