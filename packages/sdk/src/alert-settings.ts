/**
A follower's alert settings, in the SDK's own shape: one entry per alert kind, thresholds in
mg/dL and delays in minutes. Converts from and to the wire's `AlertSettings` (Share's four alert
objects, spec 4.6) and `ExtraAlertSettings` (glucoshare's three).
@module
*/
import { clientError } from './errors.js'
import { formatWireDuration, parseWireDuration } from './wire-duration.js'

/**
The alerts a glucoshare server evaluates: Share's four (`urgentLow` is Share's `FixedLowAlert`)
and glucoshare's rising-fast, falling-fast and urgent-low-soon, which are off by default. The
server evaluates them in this order (urgent low before low, which it silences).
*/
export const ALERT_KINDS = [
  'urgentLow',
  'low',
  'high',
  'noData',
  'risingFast',
  'fallingFast',
  'urgentLowSoon',
] as const

/** One alert kind. */
export type AlertKind = (typeof ALERT_KINDS)[number]

/** True when a value names an {@link AlertKind}. */
export function isAlertKind(value: unknown): value is AlertKind {
  return typeof value === 'string' && (ALERT_KINDS as readonly string[]).includes(value)
}

/** One alert's settings. */
export interface AlertSetting {
  readonly enabled: boolean
  /**
  `high`: alert above this many mg/dL (Share's `MinValue`); `low` and `urgentLow`: below it
  (`MaxValue`). Absent for the other kinds.
  */
  readonly thresholdMgDl?: number
  /** `risingFast` and `fallingFast`: mg/dL per minute, 2 to 5. */
  readonly rateMgDlPerMinute?: number
  /** How long the condition must hold before the alert sounds. */
  readonly alarmDelayMinutes: number
  /** How often it sounds again while the condition holds; 0 never repeats. */
  readonly realarmDelayMinutes: number
  /** Share's sound name (`High.wav`…), for Share's four kinds. */
  readonly sound?: string
}

/** What {@link ShareFollowerClient.getAlertSettings} answers. */
export interface FollowerAlertSettings {
  /** Every kind's settings. */
  readonly alerts: Readonly<Record<AlertKind, AlertSetting>>
  /** True once the follower changed their own settings; until then the invitation's apply. */
  readonly own: boolean
}

/** A change to one alert: what it leaves out keeps its current value. */
export type AlertSettingChange = Partial<AlertSetting>

/** A change to a follower's alert settings: kinds left out keep their settings. */
export type AlertSettingsChange = Partial<Record<AlertKind, AlertSettingChange>>

type ShareSlot = 'HighAlert' | 'LowAlert' | 'FixedLowAlert' | 'NoDataAlert'
type ExtraSlot = 'RisingFastAlert' | 'FallingFastAlert' | 'UrgentLowSoonAlert'

/** Where each kind lives on the wire, and which of the optional fields it has. */
const SLOTS: Record<
  AlertKind,
  { share?: ShareSlot; extra?: ExtraSlot; threshold?: 'MinValue' | 'MaxValue'; rate?: true }
> = {
  urgentLow: { share: 'FixedLowAlert', threshold: 'MaxValue' },
  low: { share: 'LowAlert', threshold: 'MaxValue' },
  high: { share: 'HighAlert', threshold: 'MinValue' },
  noData: { share: 'NoDataAlert' },
  risingFast: { extra: 'RisingFastAlert', rate: true },
  fallingFast: { extra: 'FallingFastAlert', rate: true },
  urgentLowSoon: { extra: 'UrgentLowSoonAlert' },
}

const MAX_DELAY_MINUTES = 1440

/** Reads the answer of `ReadSubscriptionAlertSettings`/`UpdateSubscriptionAlertSettings`. */
export function parseFollowerAlertSettings(
  wire: unknown,
  operation: string,
): FollowerAlertSettings {
  const invalid = () => clientError('InvalidResponse', operation)
  const record = objectOf(wire) ?? {}
  const share = objectOf(record['AlertSettings'])
  const extra = objectOf(record['ExtraAlertSettings'])
  if (!share || !extra || typeof record['IsOwn'] !== 'boolean') throw invalid()
  const alerts = {} as Record<AlertKind, AlertSetting>
  for (const kind of ALERT_KINDS) {
    const slot = SLOTS[kind]
    const alert = objectOf(slot.share ? share[slot.share] : extra[slot.extra!])
    const alarm = parseWireDuration(alert?.['AlarmDelay'])
    const realarm = parseWireDuration(alert?.['RealarmDelay'])
    if (!alert || typeof alert['IsEnabled'] !== 'boolean' || alarm === undefined) throw invalid()
    if (realarm === undefined) throw invalid()
    const threshold = slot.threshold ? alert[slot.threshold] : undefined
    const rate = slot.rate ? alert['Rate'] : undefined
    const sound = slot.share ? alert['Sound'] : undefined
    alerts[kind] = {
      enabled: alert['IsEnabled'],
      ...(typeof threshold === 'number' ? { thresholdMgDl: threshold } : {}),
      ...(typeof rate === 'number' ? { rateMgDlPerMinute: rate } : {}),
      alarmDelayMinutes: Math.round(alarm / 60_000),
      realarmDelayMinutes: Math.round(realarm / 60_000),
      ...(typeof sound === 'string' ? { sound } : {}),
    }
  }
  return { alerts, own: record['IsOwn'] }
}

/**
The body of `UpdateSubscriptionAlertSettings` for a change. Throws `ArgumentError`
(`AlertKindInvalid`, `AlertSettingsInvalid`) for an unknown kind, a field the kind does not have,
or a value out of range.
*/
export function toWireAlertSettingsChange(
  change: AlertSettingsChange,
  operation: string,
): { AlertSettings?: Record<string, unknown>; ExtraAlertSettings?: Record<string, unknown> } {
  if (typeof change !== 'object' || change === null || Array.isArray(change)) {
    throw clientError('AlertSettingsInvalid', operation, { detail: 'give an object of kinds' })
  }
  const share: Record<string, unknown> = {}
  const extra: Record<string, unknown> = {}
  for (const [kind, given] of Object.entries(change)) {
    if (given === undefined) continue
    if (!isAlertKind(kind)) throw clientError('AlertKindInvalid', operation)
    const slot = SLOTS[kind]
    const wire = toWireAlert(kind, given, operation)
    if (slot.share) share[slot.share] = wire
    else extra[slot.extra!] = wire
  }
  return {
    ...(Object.keys(share).length > 0 ? { AlertSettings: share } : {}),
    ...(Object.keys(extra).length > 0 ? { ExtraAlertSettings: extra } : {}),
  }
}

function toWireAlert(
  kind: AlertKind,
  change: AlertSettingChange,
  operation: string,
): Record<string, unknown> {
  const bad = (detail: string) => clientError('AlertSettingsInvalid', operation, { detail })
  if (typeof change !== 'object' || change === null) throw bad(`${kind} must be an object`)
  const slot = SLOTS[kind]
  const wire: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(change)) {
    if (value === undefined) continue
    const where = `${kind}.${field}`
    switch (field) {
      case 'enabled':
        if (typeof value !== 'boolean') throw bad(`${where} must be true or false`)
        wire['IsEnabled'] = value
        break
      case 'thresholdMgDl':
        if (!slot.threshold) throw bad(`${kind} has no threshold`)
        if (!isIntegerIn(value, 39, 401)) throw bad(`${where} must be an integer from 39 to 401`)
        wire[slot.threshold] = value
        break
      case 'rateMgDlPerMinute':
        if (!slot.rate) throw bad(`${kind} has no rate`)
        if (typeof value !== 'number' || !(value >= 2 && value <= 5)) {
          throw bad(`${where} must be a number from 2 to 5`)
        }
        wire['Rate'] = value
        break
      case 'alarmDelayMinutes':
      case 'realarmDelayMinutes':
        if (!isIntegerIn(value, 0, MAX_DELAY_MINUTES)) {
          throw bad(`${where} must be an integer from 0 to ${MAX_DELAY_MINUTES}`)
        }
        wire[field === 'alarmDelayMinutes' ? 'AlarmDelay' : 'RealarmDelay'] = formatWireDuration(
          value * 60_000,
        )
        break
      case 'sound':
        if (!slot.share) throw bad(`${kind} has no sound`)
        if (typeof value !== 'string' || value.length > 100) {
          throw bad(`${where} must be a string of at most 100 characters`)
        }
        wire['Sound'] = value
        break
      default:
        throw bad(`${where} is not an alert setting`)
    }
  }
  return wire
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}
