/**
Readings straight from a Share account, in the archive's shape, for `export --live` and
`nightscout push --follow`. Share serves the last 24 hours at most (288 readings).
@module
*/
import { MAX_MAX_COUNT, MAX_MINUTES, type GlucoseReading, type ShareClient } from '@glucoshare/sdk'
import type { ArchivedReading } from '../archive/archive-store.js'

/** How far back a live read reaches, in ms: Share's 24-hour window. */
export const LIVE_WINDOW_MS = MAX_MINUTES * 60_000

/** The archive shape of a reading read live from `source`. */
export function toArchivedReading(source: string, reading: GlucoseReading): ArchivedReading {
  return {
    source,
    systemTime: reading.date.getTime(),
    offsetMinutes: reading.utcOffsetMinutes ?? 0,
    value: reading.mgDl,
    trend: reading.trend,
  }
}

/**
The readings of the account from `from` (inclusive, clipped to the last 24 hours) to `to`
(exclusive), oldest first.
*/
export async function readLiveReadings(
  client: ShareClient,
  source: string,
  window: { readonly from?: number | undefined; readonly to?: number | undefined; now: number },
): Promise<ArchivedReading[]> {
  const from = Math.max(window.from ?? 0, window.now - LIVE_WINDOW_MS)
  const minutes = Math.min(MAX_MINUTES, Math.max(1, Math.ceil((window.now - from) / 60_000)))
  const readings = await client.getGlucoseReadings({ minutes, maxCount: MAX_MAX_COUNT })
  return readings
    .map((reading) => toArchivedReading(source, reading))
    .filter((r) => r.systemTime >= from && (window.to === undefined || r.systemTime < window.to))
    .sort((a, b) => a.systemTime - b.systemTime)
}
