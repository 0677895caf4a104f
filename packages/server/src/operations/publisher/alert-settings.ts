import { Type, type Static } from '@sinclair/typebox'
import { formatWireDuration, parseWireDuration } from '@glucoshare/sdk'
import { invalidArgument } from '../../share/share-fault.js'

/** The four alert slots of an invitation, with the `AlertType` each must carry. */
export const ALERT_SLOTS = {
  HighAlert: 1,
  LowAlert: 2,
  FixedLowAlert: 3,
  NoDataAlert: 4,
} as const

export type AlertSlot = keyof typeof ALERT_SLOTS

/** One alert as glucoshare stores it: durations in milliseconds. */
export interface StoredAlert {
  AlertType: number
  IsEnabled: boolean
  MinValue: number
  MaxValue: number
  AlarmDelayMs: number
  RealarmDelayMs: number
  Sound: string
}

export type StoredAlertSettings = Record<AlertSlot, StoredAlert>

const MINUTE = 60_000
const HOUR = 60 * MINUTE
/** The longest alarm or re-alarm delay accepted. */
export const MAX_ALERT_DELAY_MS = 24 * HOUR

/** xDrip+'s `InvitationPayload` defaults (spec §4.6), used for every alert a request leaves out. */
export const DEFAULT_ALERTS: Readonly<StoredAlertSettings> = Object.freeze({
  HighAlert: alert(1, 200, 401, HOUR, 2 * HOUR, 'High.wav'),
  LowAlert: alert(2, 39, 70, 30 * MINUTE, 2 * HOUR, 'Low.wav'),
  FixedLowAlert: alert(3, 39, 55, 0, 30 * MINUTE, 'UrgentLow.wav'),
  NoDataAlert: alert(4, 39, 401, HOUR, 0, 'NoData.wav'),
})

function alert(
  type: number,
  min: number,
  max: number,
  delay: number,
  realarm: number,
  sound: string,
): StoredAlert {
  return {
    AlertType: type,
    IsEnabled: false,
    MinValue: min,
    MaxValue: max,
    AlarmDelayMs: delay,
    RealarmDelayMs: realarm,
    Sound: sound,
  }
}

const Duration = (description: string) =>
  Type.String({ maxLength: 32, description, examples: ['PT30M'] })

const Glucose = (description: string) => Type.Integer({ minimum: 39, maximum: 401, description })

/** One alert object as clients send it; a field left out takes the slot's default. */
export const WireAlertInput = Type.Object({
  AlertType: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 4,
      description: '1 High, 2 Low, 3 FixedLow (urgent low), 4 NoData; must match the slot.',
    }),
  ),
  IsEnabled: Type.Optional(Type.Boolean()),
  MinValue: Type.Optional(Glucose('mg/dL; the threshold of a high alert.')),
  MaxValue: Type.Optional(Glucose('mg/dL; the threshold of a low or urgent-low alert.')),
  AlarmDelay: Type.Optional(
    Duration('ISO-8601 duration in whole minutes (`PT0M`, `PT30M`, `PT1H`), at most one day.'),
  ),
  RealarmDelay: Type.Optional(Duration('ISO-8601 duration in whole minutes, at most one day.')),
  Sound: Type.Optional(Type.String({ maxLength: 100, examples: ['High.wav'] })),
})

/** The `AlertSettings` member of an invitation; a missing alert takes xDrip+'s defaults. */
export const WireAlertSettingsInput = Type.Object({
  HighAlert: Type.Optional(WireAlertInput),
  LowAlert: Type.Optional(WireAlertInput),
  FixedLowAlert: Type.Optional(WireAlertInput),
  NoDataAlert: Type.Optional(WireAlertInput),
})

/** One alert object as answered. */
export const WireAlert = Type.Object({
  AlertType: Type.Integer(),
  IsEnabled: Type.Boolean(),
  MinValue: Type.Integer(),
  MaxValue: Type.Integer(),
  AlarmDelay: Type.String({ examples: ['PT1H'] }),
  RealarmDelay: Type.String({ examples: ['PT2H'] }),
  Sound: Type.String(),
})

/** The four alerts as `ReadSubscriptionAlerts` answers them. */
export const WireAlertSettings = Type.Object({
  HighAlert: WireAlert,
  LowAlert: WireAlert,
  FixedLowAlert: WireAlert,
  NoDataAlert: WireAlert,
})

function parseDelay(slot: AlertSlot, field: string, value: string | undefined, fallback: number) {
  if (value === undefined) return fallback
  const ms = parseWireDuration(value)
  if (ms === undefined || ms % MINUTE !== 0 || ms > MAX_ALERT_DELAY_MS) {
    throw invalidArgument(
      `AlertSettings.${slot}.${field} must be a duration in whole minutes of at most one day, such as PT30M.`,
    )
  }
  return ms
}

/**
Validates alert settings and fills in what they leave out from `current` (by default xDrip+'s
defaults, as for an invitation; a follower's change keeps their current values instead).
*/
export function toStoredAlerts(
  input: Static<typeof WireAlertSettingsInput> | undefined,
  current: Readonly<StoredAlertSettings> = DEFAULT_ALERTS,
): StoredAlertSettings {
  const result = {} as StoredAlertSettings
  for (const slot of Object.keys(ALERT_SLOTS) as AlertSlot[]) {
    const given = input?.[slot] ?? {}
    const fallback = current[slot]
    if (given.AlertType !== undefined && given.AlertType !== ALERT_SLOTS[slot]) {
      throw invalidArgument(`AlertSettings.${slot}.AlertType must be ${ALERT_SLOTS[slot]}.`)
    }
    const stored: StoredAlert = {
      AlertType: ALERT_SLOTS[slot],
      IsEnabled: given.IsEnabled ?? fallback.IsEnabled,
      MinValue: given.MinValue ?? fallback.MinValue,
      MaxValue: given.MaxValue ?? fallback.MaxValue,
      AlarmDelayMs: parseDelay(slot, 'AlarmDelay', given.AlarmDelay, fallback.AlarmDelayMs),
      RealarmDelayMs: parseDelay(slot, 'RealarmDelay', given.RealarmDelay, fallback.RealarmDelayMs),
      Sound: given.Sound ?? fallback.Sound,
    }
    if (stored.MinValue > stored.MaxValue) {
      throw invalidArgument(`AlertSettings.${slot}.MinValue must not exceed MaxValue.`)
    }
    result[slot] = stored
  }
  return result
}

/** The stored settings (JSON text) as answered on the wire. */
export function toWireAlerts(json: string): Static<typeof WireAlertSettings> {
  const stored = JSON.parse(json) as StoredAlertSettings
  const wire = (a: StoredAlert): Static<typeof WireAlert> => ({
    AlertType: a.AlertType,
    IsEnabled: a.IsEnabled,
    MinValue: a.MinValue,
    MaxValue: a.MaxValue,
    AlarmDelay: formatWireDuration(a.AlarmDelayMs),
    RealarmDelay: formatWireDuration(a.RealarmDelayMs),
    Sound: a.Sound,
  })
  return {
    HighAlert: wire(stored.HighAlert),
    LowAlert: wire(stored.LowAlert),
    FixedLowAlert: wire(stored.FixedLowAlert),
    NoDataAlert: wire(stored.NoDataAlert),
  }
}
