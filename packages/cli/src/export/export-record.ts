/**
One archived reading as `export` and `archive serve` write it: the same fields in CSV, JSON and
NDJSON, in the same order.
@module
*/
import { TREND_ARROWS, isTrend, toMmolL, trendName, type Trend } from '@glucoshare/sdk'
import type { ArchivedReading } from '../archive/archive-store.js'

/** The JSON object of one reading (and one NDJSON line). */
export interface ExportRecord {
  /** When the reading was taken, ISO 8601 in UTC. */
  readonly readingTime: string
  /** The same instant on the wearer's clock: `2026-11-23 14:05:00`, which spreadsheets read as a date. */
  readonly localTime: string
  /** The wearer's zone, minutes east of UTC (`-300` for UTC-05:00). */
  readonly utcOffsetMinutes: number
  readonly mgDl: number
  /** mg/dL ÷ 18.0182, rounded to one decimal (the SDK's `toMmolL`). */
  readonly mmolL: number
  /** Share's trend integer, 0 (none) to 9 (rate out of range). */
  readonly trend: number
  /** Share's trend name: `Flat`, `FortyFiveUp`… */
  readonly trendDirection: string
  /** `→`, `↗`…; empty for no trend. */
  readonly trendArrow: string
  /** The archive source (the followed account). */
  readonly source: string
}

/** The CSV header row, in column order. */
export const CSV_COLUMNS = [
  'utc_time',
  'local_time',
  'utc_offset_minutes',
  'mg_dl',
  'mmol_l',
  'trend',
  'trend_name',
  'arrow',
  'source',
] as const

/** The export record of an archived reading. */
export function toExportRecord(reading: ArchivedReading): ExportRecord {
  const trend: Trend = isTrend(reading.trend) ? reading.trend : 0
  return {
    readingTime: new Date(reading.systemTime).toISOString(),
    localTime: wallClockTime(reading.systemTime, reading.offsetMinutes),
    utcOffsetMinutes: reading.offsetMinutes,
    mgDl: reading.value,
    mmolL: toMmolL(reading.value),
    trend,
    trendDirection: trendName(trend),
    trendArrow: TREND_ARROWS[trend],
    source: reading.source,
  }
}

/** `2026-11-23 14:05:00`: the instant on a clock `offsetMinutes` east of UTC. */
export function wallClockTime(epochMs: number, offsetMinutes: number): string {
  const shifted = new Date(epochMs + offsetMinutes * 60_000).toISOString()
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}`
}

/**
One CSV row, in {@link CSV_COLUMNS} order. `decimalComma` writes `6,2` for European spreadsheets.
A source starting with `=`, `+`, `-` or `@` gets a leading `'`, so a spreadsheet shows it as text
rather than running it as a formula (a phone-number username such as `+4477…` would otherwise
turn into a number).
*/
export function toCsvRow(record: ExportRecord, decimalComma: boolean): string[] {
  const decimal = (n: number, digits?: number) => {
    const text = digits === undefined ? String(n) : n.toFixed(digits)
    return decimalComma ? text.replace('.', ',') : text
  }
  return [
    record.readingTime,
    record.localTime,
    String(record.utcOffsetMinutes),
    decimal(record.mgDl),
    decimal(record.mmolL, 1),
    String(record.trend),
    record.trendDirection,
    record.trendArrow,
    /^[=+\-@\t\r]/.test(record.source) ? `'${record.source}` : record.source,
  ]
}
