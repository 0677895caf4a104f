import { Type, type Static } from '@sinclair/typebox'
import { formatWireDuration, parseWireDuration } from '@glucoshare/sdk'
import { MAX_ALERT_DELAY_MS } from '../operations/publisher/alert-settings.js'
import { invalidArgument } from '../share/share-fault.js'

/** A rising-fast or falling-fast alert as glucoshare stores it: durations in milliseconds. */
export interface StoredRateAlert {
  IsEnabled: boolean
  /** mg/dL per minute, positive for both directions. */
  Rate: number
  AlarmDelayMs: number
  RealarmDelayMs: number
}

/** The urgent-low-soon alert as glucoshare stores it (55 mg/dL predicted within 20 minutes). */
export interface StoredUrgentLowSoonAlert {
  IsEnabled: boolean
  AlarmDelayMs: number
  RealarmDelayMs: number
}

/** The alerts glucoshare adds to Share's four, per subscription. */
export interface ExtraAlertSettings {
  RisingFastAlert: StoredRateAlert
  FallingFastAlert: StoredRateAlert
  UrgentLowSoonAlert: StoredUrgentLowSoonAlert
}

/** The accepted rate of change, mg/dL per minute (Dexcom offers 2 and 3). */
export const RATE_LIMITS = { minimum: 2, maximum: 5 } as const

/**
All off. A rate of 3 mg/dL/min (Dexcom's "very rapid" and xDrip+'s default); rate alerts
fire once per episode, urgent low soon repeats every 30 minutes like urgent low.
*/
export const DEFAULT_EXTRA_ALERTS: Readonly<ExtraAlertSettings> = Object.freeze({
  RisingFastAlert: Object.freeze({ IsEnabled: false, Rate: 3, AlarmDelayMs: 0, RealarmDelayMs: 0 }),
  FallingFastAlert: Object.freeze({
    IsEnabled: false,
    Rate: 3,
    AlarmDelayMs: 0,
    RealarmDelayMs: 0,
  }),
  UrgentLowSoonAlert: Object.freeze({
    IsEnabled: false,
    AlarmDelayMs: 0,
    RealarmDelayMs: 30 * 60_000,
  }),
})

const Duration = (description: string) =>
  Type.String({ maxLength: 32, description, examples: ['PT30M'] })

const Rate = Type.Number({
  ...RATE_LIMITS,
  description: 'mg/dL per minute, the same for rising and falling (2 to 5; default 3).',
})

const delays = {
  AlarmDelay: Type.Optional(
    Duration('How long the condition must last first: ISO-8601, whole minutes, at most one day.'),
  ),
  RealarmDelay: Type.Optional(
    Duration('Repeat interval while the condition lasts; PT0M never repeats. At most one day.'),
  ),
}

const RateAlertInput = Type.Object({
  IsEnabled: Type.Optional(Type.Boolean()),
  Rate: Type.Optional(Rate),
  ...delays,
})

/**
A change to the glucoshare-only alerts, as a follower sends it: every member is optional and
a member left out keeps its current value.
*/
export const WireExtraAlertSettingsInput = Type.Object({
  RisingFastAlert: Type.Optional(RateAlertInput),
  FallingFastAlert: Type.Optional(RateAlertInput),
  UrgentLowSoonAlert: Type.Optional(
    Type.Object({ IsEnabled: Type.Optional(Type.Boolean()), ...delays }),
  ),
})

const RateAlert = Type.Object({
  IsEnabled: Type.Boolean(),
  Rate: Type.Number(),
  AlarmDelay: Type.String({ examples: ['PT0M'] }),
  RealarmDelay: Type.String({ examples: ['PT0M'] }),
})

/** The glucoshare-only alerts as answered. */
export const WireExtraAlertSettings = Type.Object({
  RisingFastAlert: RateAlert,
  FallingFastAlert: RateAlert,
  UrgentLowSoonAlert: Type.Object({
    IsEnabled: Type.Boolean(),
    AlarmDelay: Type.String({ examples: ['PT0M'] }),
    RealarmDelay: Type.String({ examples: ['PT30M'] }),
  }),
})

function parseDelay(path: string, value: string | undefined, current: number): number {
  if (value === undefined) return current
  const ms = parseWireDuration(value)
  if (ms === undefined || ms % 60_000 !== 0 || ms > MAX_ALERT_DELAY_MS) {
    throw invalidArgument(
      `${path} must be a duration in whole minutes of at most one day, such as PT30M.`,
    )
  }
  return ms
}

function parseRate(path: string, value: number | undefined, current: number): number {
  if (value === undefined) return current
  // The schema already bounds it; this keeps the function safe for callers that skip validation.
  if (!Number.isFinite(value) || value < RATE_LIMITS.minimum || value > RATE_LIMITS.maximum) {
    throw invalidArgument(`${path} must be between 2 and 5 mg/dL per minute.`)
  }
  return value
}

/**
Applies a validated change to the current settings (by default {@link DEFAULT_EXTRA_ALERTS}).
Throws `InvalidArgument` for a malformed or out-of-range duration or rate.
*/
export function toStoredExtraAlerts(
  input: Static<typeof WireExtraAlertSettingsInput> | undefined,
  current: Readonly<ExtraAlertSettings> = DEFAULT_EXTRA_ALERTS,
): ExtraAlertSettings {
  const rate = (slot: 'RisingFastAlert' | 'FallingFastAlert'): StoredRateAlert => {
    const given = input?.[slot] ?? {}
    const base = current[slot]
    return {
      IsEnabled: given.IsEnabled ?? base.IsEnabled,
      Rate: parseRate(`${slot}.Rate`, given.Rate, base.Rate),
      AlarmDelayMs: parseDelay(`${slot}.AlarmDelay`, given.AlarmDelay, base.AlarmDelayMs),
      RealarmDelayMs: parseDelay(`${slot}.RealarmDelay`, given.RealarmDelay, base.RealarmDelayMs),
    }
  }
  const soon = input?.UrgentLowSoonAlert ?? {}
  const base = current.UrgentLowSoonAlert
  return {
    RisingFastAlert: rate('RisingFastAlert'),
    FallingFastAlert: rate('FallingFastAlert'),
    UrgentLowSoonAlert: {
      IsEnabled: soon.IsEnabled ?? base.IsEnabled,
      AlarmDelayMs: parseDelay('UrgentLowSoonAlert.AlarmDelay', soon.AlarmDelay, base.AlarmDelayMs),
      RealarmDelayMs: parseDelay(
        'UrgentLowSoonAlert.RealarmDelay',
        soon.RealarmDelay,
        base.RealarmDelayMs,
      ),
    },
  }
}

/** The stored settings as answered on the wire. */
export function toWireExtraAlerts(
  stored: Readonly<ExtraAlertSettings>,
): Static<typeof WireExtraAlertSettings> {
  const delaysOf = (a: { AlarmDelayMs: number; RealarmDelayMs: number }) => ({
    AlarmDelay: formatWireDuration(a.AlarmDelayMs),
    RealarmDelay: formatWireDuration(a.RealarmDelayMs),
  })
  const rate = (a: StoredRateAlert) => ({ IsEnabled: a.IsEnabled, Rate: a.Rate, ...delaysOf(a) })
  return {
    RisingFastAlert: rate(stored.RisingFastAlert),
    FallingFastAlert: rate(stored.FallingFastAlert),
    UrgentLowSoonAlert: {
      IsEnabled: stored.UrgentLowSoonAlert.IsEnabled,
      ...delaysOf(stored.UrgentLowSoonAlert),
    },
  }
}
