import { DEXCOM_GLUCOSE_HIGH, DEXCOM_GLUCOSE_LOW } from './constants.js'
import { clientError } from './errors.js'
import { parseTrend, type Trend, type TrendName } from './trend.js'
import { formatLegacyShareDate } from './wire-date.js'
import type { WireUploadBody, WireUploadEgv } from './wire.js'

/** A reading to upload with `PostReceiverEgvRecords`. */
export interface UploadReading {
  /** When the sensor took it: a `Date` or epoch milliseconds. Sent floored to whole seconds. */
  readonly date: Date | number
  /** Integer mg/dL, 39 (LOW) to 401 (HIGH). */
  readonly mgDl: number
  /** The trend as an integer 0-9 or a name (`Flat`, `FortyFiveUp`, `NOT COMPUTABLE`…). */
  readonly trend: Trend | TrendName | (number & {}) | (string & {})
  /** The wearer's zone, minutes east of UTC; sent as local time in DT, as the Dexcom app does. */
  readonly utcOffsetMinutes?: number | undefined
}

const MAX_OFFSET_MINUTES = 14 * 60
const MAX_SERIAL_LENGTH = 64
// Community uploaders (xDrip+, Spike, xDrip4iOS) send -5; the Dexcom app sends 0. Share ignores it.
const TA = -5

/** Checks a receiver or transmitter serial; throws `ArgumentError` (`SerialNumberInvalid`). */
export function checkSerialNumber(serialNumber: unknown, operation: string): string {
  const serial = typeof serialNumber === 'string' ? serialNumber.trim() : ''
  if (serial === '' || serial.length > MAX_SERIAL_LENGTH) {
    throw clientError('SerialNumberInvalid', operation)
  }
  return serial
}

/**
Builds the body of `PostReceiverEgvRecords` in the form every uploader sends (spec 3.3):
`/Date(ms)/` dates floored to seconds, integer trends, `DT` equal to `ST` or shifted by the offset.
Throws `ArgumentError` (`ReadingInvalid`, `SerialNumberInvalid`) naming the bad reading.
*/
export function toWireUploadBody(
  serialNumber: string,
  readings: readonly UploadReading[],
  operation = 'PostReceiverEgvRecords',
): WireUploadBody {
  const SN = checkSerialNumber(serialNumber, operation)
  if (!Array.isArray(readings)) throw clientError('ReadingInvalid', operation)
  const Egvs = readings.map((reading, index) => toWireUploadEgv(reading, index, operation))
  return { SN, Egvs, TA }
}

function toWireUploadEgv(reading: UploadReading, index: number, operation: string): WireUploadEgv {
  const bad = () => clientError('ReadingInvalid', operation, { detail: `readings[${index}]` })
  if (typeof reading !== 'object' || reading === null) throw bad()
  const ms = reading.date instanceof Date ? reading.date.getTime() : reading.date
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw bad()
  const { mgDl, utcOffsetMinutes } = reading
  if (!Number.isInteger(mgDl) || mgDl < DEXCOM_GLUCOSE_LOW || mgDl > DEXCOM_GLUCOSE_HIGH)
    throw bad()
  const trend = parseTrend(reading.trend)
  if (trend === undefined) throw bad()
  if (
    utcOffsetMinutes !== undefined &&
    !(Number.isInteger(utcOffsetMinutes) && Math.abs(utcOffsetMinutes) <= MAX_OFFSET_MINUTES)
  ) {
    throw bad()
  }
  const seconds = Math.floor(ms / 1000) * 1000
  const local = seconds + (utcOffsetMinutes ?? 0) * 60_000
  return {
    Trend: trend,
    ST: formatLegacyShareDate(seconds),
    DT: formatLegacyShareDate(local),
    Value: mgDl,
  }
}
