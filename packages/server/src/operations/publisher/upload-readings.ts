import { parseShareDate, parseTrend, type WireUploadEgv } from '@glucoshare/sdk'
import type { Reading } from '../../store/store.js'
import { invalidArgument } from '../../share/share-fault.js'

const QUARTER_HOUR = 15
const MAX_OFFSET_MINUTES = 14 * 60

/**
Turns uploaded EGVs into readings, or throws `InvalidArgument` naming the first bad one.
The display-zone offset comes from DT's `±hhmm` suffix when it has one; otherwise from DT − ST,
as the official app sends local time in DT without a suffix (community uploaders send DT = ST).
*/
export function toReadings(egvs: readonly WireUploadEgv[]): Reading[] {
  // Error texts are built only for an error: this runs for each of up to 288 readings per upload.
  return egvs.map((egv, index) => {
    const st = parseShareDate(egv.ST)
    if (!st)
      throw invalidArgument(`Egvs[${index}].ST is not a Share date such as /Date(1700000000000)/.`)
    const dt = egv.DT === undefined ? undefined : parseShareDate(egv.DT)
    if (egv.DT !== undefined && !dt) throw invalidArgument(`Egvs[${index}].DT is not a Share date.`)
    const trend = parseTrend(egv.Trend)
    if (trend === undefined)
      throw invalidArgument(`Egvs[${index}].Trend is not a trend (0-9 or a name such as Flat).`)
    return {
      systemTime: st.epochMs,
      offsetMinutes: offsetOf(st.epochMs, dt),
      value: egv.Value,
      trend,
    }
  })
}

function offsetOf(systemTime: number, dt: ReturnType<typeof parseShareDate>): number {
  if (!dt) return 0
  if (dt.offsetMinutes !== undefined) return dt.offsetMinutes
  const minutes = Math.round((dt.epochMs - systemTime) / 60_000 / QUARTER_HOUR) * QUARTER_HOUR
  return Math.max(-MAX_OFFSET_MINUTES, Math.min(MAX_OFFSET_MINUTES, minutes))
}
