/**
One reading as the reading commands print it. Every output carries its freshness: the reading's
time, its age in seconds when printed, and whether it is stale.
@module
*/
import type { GlucoseReading } from '@glucoshare/sdk'

/** The JSON object `latest --json` prints, and each element of `readings --json`. */
export interface ReadingOutput {
  readonly mgDl: number
  readonly mmolL: number
  /** Share's trend integer, 0 (none) to 9 (unavailable). */
  readonly trend: number
  /** Share's trend name: `Flat`, `FortyFiveUp`… */
  readonly trendDirection: string
  /** `→`, `↗`…; empty for no trend. */
  readonly trendArrow: string
  /** When the reading was taken, ISO 8601 in UTC. */
  readonly readingTime: string
  /** The wearer's zone, minutes east of UTC, when the server sent one. */
  readonly utcOffsetMinutes: number | null
  /** Whole seconds from the reading to `now`. */
  readonly ageSeconds: number
  /** True when the reading is older than the stale threshold. */
  readonly stale: boolean
}

/** The output object of a reading, its age taken at `now`. */
export function toReadingOutput(
  reading: GlucoseReading,
  now: number,
  staleMinutes: number,
): ReadingOutput {
  const ageSeconds = Math.floor(reading.ageMs(now) / 1000)
  return {
    mgDl: reading.mgDl,
    mmolL: reading.mmolL,
    trend: reading.trend,
    trendDirection: reading.trendDirection,
    trendArrow: reading.trendArrow,
    readingTime: reading.date.toISOString(),
    utcOffsetMinutes: reading.utcOffsetMinutes ?? null,
    ageSeconds,
    stale: ageSeconds > staleMinutes * 60,
  }
}

/** `2025-04-19 23:00:13 +05:30`, in this computer's time zone (the `TZ` variable). */
export function formatLocalTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  const offset = -date.getTimezoneOffset()
  const sign = offset < 0 ? '-' : '+'
  const abs = Math.abs(offset)
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  )
}

/** `45 s`, `7 min 05 s`, `2 h 05 min`, `3 d 04 h`; a negative age reads `in the future`. */
export function formatAge(seconds: number): string {
  if (seconds < 0) return 'in the future'
  const pad = (n: number) => String(n).padStart(2, '0')
  if (seconds < 60) return `${seconds} s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${pad(seconds % 60)} s`
  if (seconds < 86_400) {
    return `${Math.floor(seconds / 3600)} h ${pad(Math.floor((seconds % 3600) / 60))} min`
  }
  return `${Math.floor(seconds / 86_400)} d ${pad(Math.floor((seconds % 86_400) / 3600))} h`
}

/** `LOW` and `HIGH` for Share's out-of-range sentinels, so 39 and 401 are not read as values. */
export function rangeLabel(reading: GlucoseReading): 'LOW' | 'HIGH' | undefined {
  if (reading.isBelowRange) return 'LOW'
  if (reading.isAboveRange) return 'HIGH'
  return undefined
}
