import type { Reading } from '../store/store.js'
import type { TrendConfig } from './alert-config.js'

/** What the engine reads of a reading. */
export type GlucosePoint = Pick<Reading, 'systemTime' | 'value'>

/** A least-squares line through the readings before one reading. */
export interface GlucoseTrend {
  /** mg/dL per minute. */
  readonly slope: number
  readonly count: number
  readonly spanMs: number
}

const MINUTE = 60_000

/**
The least-squares slope of the readings at most `windowMs` older than `readings[index]`
(which is included), or `undefined` when there are fewer than `minReadings` of them or they
span less than `minSpanMs`. `readings` are newest first.
*/
export function trendAt(
  readings: readonly GlucosePoint[],
  index: number,
  config: TrendConfig,
): GlucoseTrend | undefined {
  const anchor = readings[index]
  if (anchor === undefined) return undefined
  const points: { x: number; y: number }[] = []
  for (let j = index; j < readings.length; j++) {
    const r = readings[j] as GlucosePoint
    if (r.systemTime < anchor.systemTime - config.windowMs) break
    points.push({ x: (r.systemTime - anchor.systemTime) / MINUTE, y: r.value })
  }
  const oldest = points[points.length - 1]
  const spanMs = oldest === undefined ? 0 : -oldest.x * MINUTE
  if (points.length < config.minReadings || spanMs < config.minSpanMs) return undefined
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / points.length
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / points.length
  let sxy = 0
  let sxx = 0
  for (const p of points) {
    sxy += (p.x - meanX) * (p.y - meanY)
    sxx += (p.x - meanX) ** 2
  }
  // sxx > 0 because the span is positive and minSpanMs > 0; guard anyway for a zero window.
  if (sxx === 0) return undefined
  return { slope: sxy / sxx, count: points.length, spanMs }
}
