import type { AlertConfig } from './alert-config.js'
import type { AlertKind } from './alert-kind.js'
import { trendAt, type GlucosePoint } from './glucose-trend.js'

/** The alerts whose condition is about glucose readings (all but NoData). */
export type GlucoseAlertKind = Exclude<AlertKind, 'noData'>

/** What a condition found, for the alert's events. */
export interface ConditionMatch {
  readonly threshold?: number
  readonly rate?: number
  readonly predicted?: number
}

/** Share's out-of-range sentinels: below 40 and above 400 mg/dL. */
export const LOW_SENTINEL = 39
export const HIGH_SENTINEL = 401

// Least-squares slopes are not exact in binary; a rate of exactly 3.0 must count as 3.
const EPSILON = 1e-9
const MINUTE = 60_000

/**
Whether `kind`'s condition holds at `readings[index]` (newest first): a match, `false` when it
does not, or `undefined` when the readings cannot tell (too few for a trend).
*/
export function glucoseCondition(
  kind: GlucoseAlertKind,
  config: AlertConfig,
  readings: readonly GlucosePoint[],
  index: number,
): ConditionMatch | false | undefined {
  const reading = readings[index]
  if (reading === undefined) return undefined
  const value = reading.value
  switch (kind) {
    case 'urgentLow':
    case 'low': {
      const { threshold } = config[kind]
      return value <= threshold || value <= LOW_SENTINEL ? { threshold } : false
    }
    case 'high': {
      const { threshold } = config.high
      return value >= threshold || value >= HIGH_SENTINEL ? { threshold } : false
    }
    case 'risingFast':
    case 'fallingFast': {
      const trend = trendAt(readings, index, config.trend)
      if (trend === undefined) return undefined
      const { rate } = config[kind]
      const fast =
        kind === 'risingFast' ? trend.slope >= rate - EPSILON : trend.slope <= EPSILON - rate
      return fast ? { rate: round(trend.slope, 2) } : false
    }
    case 'urgentLowSoon': {
      const { threshold, horizonMs } = config.urgentLowSoon
      // At or below the threshold it is urgent low's business, not a prediction.
      if (value <= threshold || value <= LOW_SENTINEL) return false
      const trend = trendAt(readings, index, config.trend)
      if (trend === undefined) return undefined
      const predicted = value + (trend.slope * horizonMs) / MINUTE
      return trend.slope < 0 && predicted <= threshold + EPSILON
        ? { threshold, rate: round(trend.slope, 2), predicted: Math.round(predicted) }
        : false
    }
  }
}

/**
Identifies the condition's parameters: when they change (a new threshold or rate), a run that
started under the old ones does not count towards the new AlarmDelay.
*/
export function conditionKey(kind: GlucoseAlertKind, config: AlertConfig): string {
  switch (kind) {
    case 'urgentLow':
    case 'low':
    case 'high':
      return `${kind}<${config[kind].threshold}>`
    case 'risingFast':
    case 'fallingFast':
      return `${kind}<${config[kind].rate}>`
    case 'urgentLowSoon':
      return `${kind}<${config.urgentLowSoon.threshold},${config.urgentLowSoon.horizonMs}>`
  }
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
