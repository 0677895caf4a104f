import { ALERT_KINDS, type AlertKind } from './alert-kind.js'

/**
One alert's state. Every member is a number or `null` (never `undefined`), so that
`JSON.parse(JSON.stringify(state))` gives back an equal object.
*/
export interface AlertSlotState {
  /**
  When the condition started: the system time of the first reading of the current run (for
  NoData, the last data time). `null` when the condition does not hold.
  */
  readonly since: number | null
  /** The condition's parameters when `since` was set; a change restarts the run. */
  readonly conditionKey: string | null
  /** Notified ('fired') and not cleared since. */
  readonly firing: boolean
  readonly firedAt: number | null
  /** The last 'fired' or 'realarm'. */
  readonly lastNotifiedAt: number | null
  /** When a follower acknowledged the current firing, if they did. */
  readonly acknowledgedAt: number | null
  /** End of the silence an acknowledgement started; `null` with `acknowledgedAt` set: until it clears. */
  readonly silencedUntil: number | null
}

/** A subscription's alert state, JSON-serialisable so that it survives restarts. */
export interface AlertState {
  readonly version: 1
  /** When the state was created: NoData counts from here until there has been any data. */
  readonly startedAt: number
  /** Server time the newest reading arrived, as last given to the engine. */
  readonly lastDataAt: number | null
  /** System time of the newest reading the engine has seen. */
  readonly lastReadingTime: number | null
  readonly alerts: Readonly<Record<AlertKind, AlertSlotState>>
}

/** An alert whose condition does not hold. */
export const IDLE_SLOT: AlertSlotState = Object.freeze({
  since: null,
  conditionKey: null,
  firing: false,
  firedAt: null,
  lastNotifiedAt: null,
  acknowledgedAt: null,
  silencedUntil: null,
})

/** The state of a subscription with no alert history. */
export function initialAlertState(now: number): AlertState {
  const alerts = {} as Record<AlertKind, AlertSlotState>
  for (const kind of ALERT_KINDS) alerts[kind] = IDLE_SLOT
  return { version: 1, startedAt: now, lastDataAt: null, lastReadingTime: null, alerts }
}

/** Whether a follower's acknowledgement keeps this alert quiet at `now`. */
export function isSilenced(slot: AlertSlotState, now: number): boolean {
  return (
    slot.firing &&
    slot.acknowledgedAt !== null &&
    (slot.silencedUntil === null || now < slot.silencedUntil)
  )
}

const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value)
const timeOrNull = (value: unknown): number | null => (isTime(value) ? value : null)

function restoreSlot(value: unknown): AlertSlotState {
  if (typeof value !== 'object' || value === null) return IDLE_SLOT
  const v = value as Record<string, unknown>
  const firing = v['firing'] === true
  return {
    since: timeOrNull(v['since']),
    conditionKey: typeof v['conditionKey'] === 'string' ? v['conditionKey'] : null,
    firing,
    firedAt: firing ? timeOrNull(v['firedAt']) : null,
    lastNotifiedAt: firing ? timeOrNull(v['lastNotifiedAt']) : null,
    acknowledgedAt: firing ? timeOrNull(v['acknowledgedAt']) : null,
    silencedUntil: firing ? timeOrNull(v['silencedUntil']) : null,
  }
}

/**
Reads back a persisted state. Anything malformed, or alert kinds a newer or older version did
not have, falls back to an idle state, so a damaged row never stops alerts for good.
*/
export function restoreAlertState(value: unknown, now: number): AlertState {
  if (typeof value !== 'object' || value === null) return initialAlertState(now)
  const v = value as Record<string, unknown>
  const saved = (
    typeof v['alerts'] === 'object' && v['alerts'] !== null ? v['alerts'] : {}
  ) as Record<string, unknown>
  const alerts = {} as Record<AlertKind, AlertSlotState>
  for (const kind of ALERT_KINDS) alerts[kind] = restoreSlot(saved[kind])
  return {
    version: 1,
    startedAt: isTime(v['startedAt']) ? v['startedAt'] : now,
    lastDataAt: timeOrNull(v['lastDataAt']),
    lastReadingTime: timeOrNull(v['lastReadingTime']),
    alerts,
  }
}
