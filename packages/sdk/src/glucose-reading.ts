import { DEXCOM_GLUCOSE_HIGH, DEXCOM_GLUCOSE_LOW } from './constants.js'
import { clientError } from './errors.js'
import { toMmolL, type MmolConversion } from './glucose-units.js'
import {
  TREND_ARROWS,
  TREND_DESCRIPTIONS,
  nightscoutDirection,
  parseTrend,
  trendName,
  type NightscoutDirection,
  type Trend,
  type TrendName,
} from './trend.js'
import { parseShareDate, type ShareDate } from './wire-date.js'

/** How {@link parseGlucoseReading} reads a record. */
export interface ParseGlucoseReadingOptions {
  /** @default 'dexcom' (÷ 18.0182, one decimal) */
  readonly mmolConversion?: MmolConversion | undefined
  /** The operation named in errors. @default 'parseGlucoseReading' */
  readonly operation?: string | undefined
}

/**
One glucose reading, from an EGV record in any form Share has sent (spec 4.1-4.3): current
(`Date(ms)`, string `Trend`) or legacy (`/Date(ms)/`, integer `Trend`).
*/
export class GlucoseReading {
  /** mg/dL. 39 means below the sensor's range (LOW), 401 above it (HIGH). */
  readonly mgDl: number
  /** mmol/L, rounded to one decimal with the conversion chosen when parsing. */
  readonly mmolL: number
  /** The trend integer, 0 (none) to 9 (rate out of range). */
  readonly trend: Trend
  /** Share's name for the trend: `Flat`, `FortyFiveUp`… */
  readonly trendDirection: TrendName
  /** Nightscout's name for the trend: `Flat`, `NOT COMPUTABLE`… */
  readonly nightscoutDirection: NightscoutDirection
  /** `→`, `↗`, `↑↑`…; empty for no trend. */
  readonly trendArrow: string
  /** `steady`, `rising slightly`…; empty for no trend. */
  readonly trendDescription: string
  /** When the reading was taken: WT, or ST or DT when WT is missing. */
  readonly date: Date
  /** The wearer's zone, minutes east of UTC, from DT's `±hhmm` suffix; `undefined` without one. */
  readonly utcOffsetMinutes: number | undefined
  /** True for the LOW sentinel (39): the value is below what the sensor reads. */
  readonly isBelowRange: boolean
  /** True for the HIGH sentinel (401): the value is above what the sensor reads. */
  readonly isAboveRange: boolean
  /** The record as the server sent it. */
  readonly raw: Readonly<Record<string, unknown>>

  constructor(wire: unknown, options: ParseGlucoseReadingOptions = {}) {
    const operation = options.operation ?? 'parseGlucoseReading'
    const invalid = (detail: string) =>
      clientError('InvalidResponse', operation, { detail: `glucose record ${detail}` })
    if (typeof wire !== 'object' || wire === null || Array.isArray(wire)) {
      throw invalid('is not an object')
    }
    const record = wire as Record<string, unknown>
    const mgDl = readValue(record['Value'])
    if (mgDl === undefined) throw invalid('has no numeric Value')
    const wt = parseShareDate(record['WT'])
    const st = parseShareDate(record['ST'])
    const dt = parseShareDate(record['DT'])
    const when = wt ?? st ?? dt
    if (!when) throw invalid('has no WT, ST or DT date')
    // An unknown trend name must not cost the reading: it reads as "no trend", and `raw` keeps it.
    const trend = parseTrend(record['Trend']) ?? 0
    this.mgDl = mgDl
    this.mmolL = toMmolL(mgDl, options.mmolConversion)
    this.trend = trend
    this.trendDirection = trendName(trend)
    this.nightscoutDirection = nightscoutDirection(trend)
    this.trendArrow = TREND_ARROWS[trend]
    this.trendDescription = TREND_DESCRIPTIONS[trend]
    this.date = new Date(when.epochMs)
    this.utcOffsetMinutes = offsetOf(dt, wt, st)
    this.isBelowRange = mgDl <= DEXCOM_GLUCOSE_LOW
    this.isAboveRange = mgDl >= DEXCOM_GLUCOSE_HIGH
    this.raw = Object.freeze({ ...record })
  }

  /** Milliseconds since the reading was taken. @default now = Date.now() */
  ageMs(now: number | Date = Date.now()): number {
    return Number(now) - this.date.getTime()
  }

  /** A plain object with an ISO date, for JSON output. */
  toJSON(): Record<string, unknown> {
    return {
      date: this.date.toISOString(),
      utcOffsetMinutes: this.utcOffsetMinutes,
      mgDl: this.mgDl,
      mmolL: this.mmolL,
      trend: this.trend,
      trendDirection: this.trendDirection,
      nightscoutDirection: this.nightscoutDirection,
      trendArrow: this.trendArrow,
      trendDescription: this.trendDescription,
    }
  }
}

/**
Reads one EGV record. Throws a `ServerError` (`InvalidResponse`) when the record has no numeric
`Value` or no parseable date; an unknown `Trend` reads as 0 (no trend).
@example
parseGlucoseReading({ WT: 'Date(1745081013817)', ST: 'Date(1745081013817)',
  DT: 'Date(1745081013817-0400)', Value: 224, Trend: 'Flat' }).trendArrow // '→'
*/
export function parseGlucoseReading(
  wire: unknown,
  options: ParseGlucoseReadingOptions = {},
): GlucoseReading {
  return new GlucoseReading(wire, options)
}

// xDrip+ reads Value as a double, so tolerate a decimal or a numeric string.
function readValue(value: unknown): number | undefined {
  const number =
    typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN
  if (typeof value === 'string' && value.trim() === '') return undefined
  return Number.isFinite(number) && number > 0 ? Math.round(number) : undefined
}

function offsetOf(...dates: (ShareDate | undefined)[]): number | undefined {
  return dates.find((date) => date?.offsetMinutes !== undefined)?.offsetMinutes
}
