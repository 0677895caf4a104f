import type { StoredAlertSettings } from '../operations/publisher/alert-settings.js'
import { DEFAULT_EXTRA_ALERTS, type ExtraAlertSettings } from './extra-alert-settings.js'

const MINUTE = 60_000

/** What every alert has: Share's `IsEnabled`, `AlarmDelay` and `RealarmDelay`. */
export interface AlertTiming {
  readonly enabled: boolean
  /** How long the condition must hold before the alert fires; 0 fires at once. */
  readonly alarmDelayMs: number
  /** Repeat interval while the condition holds and nobody acknowledged; 0 never repeats. */
  readonly realarmDelayMs: number
}

/** High, low and urgent low: a threshold in mg/dL. */
export interface ThresholdAlertConfig extends AlertTiming {
  readonly threshold: number
}

/** Rising fast and falling fast. */
export interface RateAlertConfig extends AlertTiming {
  /** mg/dL per minute, positive for both directions. */
  readonly rate: number
}

/** Urgent low soon: `threshold` predicted within `horizonMs`. */
export interface UrgentLowSoonConfig extends AlertTiming {
  /** @default 55 */
  readonly threshold: number
  /** @default 20 minutes */
  readonly horizonMs: number
}

/** How the rate of change is measured (rising/falling fast, urgent low soon). */
export interface TrendConfig {
  /** Readings this close to the newest one are fitted. @default 15 minutes */
  readonly windowMs: number
  /** @default 3 */
  readonly minReadings: number
  /** The fitted readings must span at least this long. @default 10 minutes */
  readonly minSpanMs: number
}

/** Everything the engine needs to know about one subscription's alerts. */
export interface AlertConfig {
  readonly urgentLow: ThresholdAlertConfig
  readonly low: ThresholdAlertConfig
  readonly high: ThresholdAlertConfig
  /** `alarmDelayMs` is used as given: {@link alertConfigFrom} applies the 15-minute floor. */
  readonly noData: AlertTiming
  readonly risingFast: RateAlertConfig
  readonly fallingFast: RateAlertConfig
  readonly urgentLowSoon: UrgentLowSoonConfig
  /** Glucose alerts act only on a reading at most this old. @default 15 minutes */
  readonly staleAfterMs: number
  readonly trend: TrendConfig
}

/** Engine-wide settings that are not per alert. */
export interface AlertEngineOptions {
  /** @default 15 minutes */
  readonly staleAfterMs?: number
  readonly trend?: Partial<TrendConfig>
}

/** @default 15 minutes: Nightscout's stale warning and the age at which readings count as stale. */
export const DEFAULT_STALE_AFTER_MS = 15 * MINUTE

/**
NoData's shortest effective delay. `PT0M` would otherwise fire between any two readings; 15
minutes is three missed readings' worth of slack, the same as the stale limit.
*/
export const MIN_NO_DATA_DELAY_MS = 15 * MINUTE

/** Dexcom's urgent low soon: 55 mg/dL within 20 minutes. */
export const URGENT_LOW_SOON = { threshold: 55, horizonMs: 20 * MINUTE } as const

export const DEFAULT_TREND: TrendConfig = Object.freeze({
  windowMs: 15 * MINUTE,
  minReadings: 3,
  minSpanMs: 10 * MINUTE,
})

function timing(a: {
  IsEnabled: boolean
  AlarmDelayMs: number
  RealarmDelayMs: number
}): AlertTiming {
  return { enabled: a.IsEnabled, alarmDelayMs: a.AlarmDelayMs, realarmDelayMs: a.RealarmDelayMs }
}

/**
Builds the engine's configuration from Share's four stored alerts and glucoshare's extra ones
(all off when not given). High's threshold is `MinValue`; low's and urgent low's is `MaxValue`.
*/
export function alertConfigFrom(
  stored: Readonly<StoredAlertSettings>,
  extras: Readonly<ExtraAlertSettings> = DEFAULT_EXTRA_ALERTS,
  options: AlertEngineOptions = {},
): AlertConfig {
  const noData = timing(stored.NoDataAlert)
  return {
    urgentLow: { ...timing(stored.FixedLowAlert), threshold: stored.FixedLowAlert.MaxValue },
    low: { ...timing(stored.LowAlert), threshold: stored.LowAlert.MaxValue },
    high: { ...timing(stored.HighAlert), threshold: stored.HighAlert.MinValue },
    noData: { ...noData, alarmDelayMs: Math.max(noData.alarmDelayMs, MIN_NO_DATA_DELAY_MS) },
    risingFast: { ...timing(extras.RisingFastAlert), rate: extras.RisingFastAlert.Rate },
    fallingFast: { ...timing(extras.FallingFastAlert), rate: extras.FallingFastAlert.Rate },
    urgentLowSoon: { ...timing(extras.UrgentLowSoonAlert), ...URGENT_LOW_SOON },
    staleAfterMs: options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS,
    trend: { ...DEFAULT_TREND, ...options.trend },
  }
}
