/**
Nightscout's API v1 `sgv` entry, as the Share bridges write it (share2nightscout-bridge,
nightscout-connect): `date` is epoch ms, `dateString` and `sysTime` ISO 8601 in UTC, `utcOffset`
minutes east of UTC. Nightscout de-duplicates on `sysTime` + `type`.
@module
*/
import { createHash } from 'node:crypto'
import { isTrend, nightscoutDirection, type NightscoutDirection } from '@glucoshare/sdk'
import type { ArchivedReading } from '../archive/archive-store.js'

/** The `device` glucoshare writes on its entries. */
export const NIGHTSCOUT_DEVICE = 'glucoshare'

/** An entry as `glucoshare nightscout push` uploads it. */
export interface NightscoutEntry {
  readonly type: 'sgv'
  readonly sgv: number
  readonly date: number
  readonly dateString: string
  readonly trend: number
  readonly direction: NightscoutDirection
  readonly device: string
  readonly sysTime: string
  readonly utcOffset: number
}

/** An entry as `archive serve` answers it: with the `_id` Nightscout's own answers carry. */
export interface ServedNightscoutEntry extends NightscoutEntry {
  readonly _id: string
}

/** The Nightscout entry of an archived reading. */
export function toNightscoutEntry(
  reading: ArchivedReading,
  device: string = NIGHTSCOUT_DEVICE,
): NightscoutEntry {
  const iso = new Date(reading.systemTime).toISOString()
  const trend = isTrend(reading.trend) ? reading.trend : 0
  return {
    type: 'sgv',
    sgv: reading.value,
    date: reading.systemTime,
    dateString: iso,
    trend,
    direction: nightscoutDirection(trend),
    device,
    sysTime: iso,
    utcOffset: reading.offsetMinutes,
  }
}

/**
The entry with a stable `_id`: 24 hex digits (the shape of a MongoDB ObjectId, which clients
may check) derived from the source and the time, so the same reading always has the same id.
*/
export function toServedNightscoutEntry(reading: ArchivedReading): ServedNightscoutEntry {
  const _id = createHash('sha1')
    .update(`${reading.source}\u0000${reading.systemTime}`)
    .digest('hex')
    .slice(0, 24)
  return { _id, ...toNightscoutEntry(reading) }
}
