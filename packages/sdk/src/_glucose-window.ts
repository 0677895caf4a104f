/**
Internal: the read window (`minutes`, `maxCount`) and the answer of Share's glucose reads, shared
by the publisher and follower clients.
@module
*/
import { MAX_MAX_COUNT, MAX_MINUTES } from './constants.js'
import { clientError } from './errors.js'
import { GlucoseReading } from './glucose-reading.js'
import type { MmolConversion } from './glucose-units.js'

/** The window of a glucose read. */
export interface GlucoseWindow {
  /** Minutes back from now, 0 to 1440. @default 1440 */
  readonly minutes?: number | undefined
  /** Most readings to answer, 0 to 288. @default 288 */
  readonly maxCount?: number | undefined
}

/** The window with its defaults, checked; `ArgumentError` (`MinutesInvalid`, `MaxCountInvalid`). */
export function checkGlucoseWindow(
  window: GlucoseWindow,
  operation: string,
): { minutes: number; maxCount: number } {
  const minutes = window.minutes ?? MAX_MINUTES
  const maxCount = window.maxCount ?? MAX_MAX_COUNT
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > MAX_MINUTES) {
    throw clientError('MinutesInvalid', operation)
  }
  if (!Number.isInteger(maxCount) || maxCount < 0 || maxCount > MAX_MAX_COUNT) {
    throw clientError('MaxCountInvalid', operation)
  }
  return { minutes, maxCount }
}

/** A read's answer as readings, newest first. */
export function toGlucoseReadings(
  wire: unknown,
  operation: string,
  mmolConversion: MmolConversion,
): GlucoseReading[] {
  // An error payload read as a reading has fooled clients before (trndi #76): demand an array.
  if (!Array.isArray(wire)) throw clientError('InvalidResponse', operation)
  return wire
    .map((record) => new GlucoseReading(record, { mmolConversion, operation }))
    .sort((a, b) => b.date.getTime() - a.date.getTime())
}
