import type { AlertTiming } from './alert-config.js'
import type { AlertEvent } from './alert-event.js'
import type { AlertKind } from './alert-kind.js'
import { IDLE_SLOT, type AlertSlotState } from './alert-state.js'

/** The event fields an observation contributes (reading, threshold, rate …). */
export type EventDetails = Omit<AlertEvent, 'kind' | 'type' | 'at'>

/** What the engine can tell about one alert's condition at `now`. */
export type Observation =
  | {
      readonly status: 'holds'
      /** Start of the current run of the condition. */
      readonly since: number
      readonly conditionKey: string
      readonly details: EventDetails
      /** The last time a timer check could still act on the same data (the reading's freshness). */
      readonly actUntil: number
    }
  | {
      readonly status: 'ended'
      readonly reason: 'condition-ended' | 'data-arrived'
      readonly details: EventDetails
    }
  /** Stale or too few readings: neither fire, re-alarm nor clear. */
  | { readonly status: 'unknown' }

/** One alert's next state, its events, and when it next needs a look without new data. */
export interface StepResult {
  readonly slot: AlertSlotState
  readonly events: AlertEvent[]
  readonly nextCheckAt: number | undefined
}

/**
Advances one alert: fire after AlarmDelay, re-alarm every RealarmDelay unless silenced, clear
when the condition ends or the alert is disabled. `suppressed` holds back notifications (low
while urgent low is firing) without losing track of the condition.
*/
export function stepAlert(input: {
  readonly kind: AlertKind
  readonly slot: AlertSlotState
  readonly timing: AlertTiming
  readonly observation: Observation
  readonly now: number
  readonly suppressed: boolean
}): StepResult {
  const { kind, slot, timing, observation: obs, now, suppressed } = input
  if (!timing.enabled) return reset(kind, slot, now, 'disabled')
  if (obs.status === 'unknown') return { slot, events: [], nextCheckAt: undefined }
  if (obs.status === 'ended') return reset(kind, slot, now, obs.reason, obs.details)

  const tracked: AlertSlotState = { ...slot, since: obs.since, conditionKey: obs.conditionKey }
  const due = slot.firing ? realarmDue(slot, timing) : obs.since + timing.alarmDelayMs
  if (due === undefined) return { slot: tracked, events: [], nextCheckAt: undefined }
  if (now < due || suppressed) {
    // A suppressed alert waits for new data (urgent low clearing), not for a timer.
    const at = suppressed || due > obs.actUntil ? undefined : due
    return { slot: tracked, events: [], nextCheckAt: at }
  }
  const notified: AlertSlotState = {
    ...tracked,
    firing: true,
    firedAt: slot.firing ? slot.firedAt : now,
    lastNotifiedAt: now,
    acknowledgedAt: null,
    silencedUntil: null,
  }
  const event: AlertEvent = {
    kind,
    type: slot.firing ? 'realarm' : 'fired',
    at: now,
    since: obs.since,
    ...obs.details,
  }
  const again = realarmDue(notified, timing)
  return {
    slot: notified,
    events: [event],
    nextCheckAt: again !== undefined && again <= obs.actUntil ? again : undefined,
  }
}

/**
When a firing alert repeats: RealarmDelay after the last notification, and not before an
acknowledgement's silence ends; `undefined` for never.
*/
export function realarmDue(slot: AlertSlotState, timing: AlertTiming): number | undefined {
  if (timing.realarmDelayMs <= 0) return undefined
  if (slot.acknowledgedAt !== null && slot.silencedUntil === null) return undefined
  const last = slot.lastNotifiedAt ?? slot.firedAt ?? 0
  return Math.max(last + timing.realarmDelayMs, slot.silencedUntil ?? 0)
}

function reset(
  kind: AlertKind,
  slot: AlertSlotState,
  now: number,
  reason: NonNullable<AlertEvent['reason']>,
  details: EventDetails = {},
): StepResult {
  const events: AlertEvent[] = slot.firing
    ? [{ kind, type: 'cleared', at: now, reason, ...details }]
    : []
  return { slot: IDLE_SLOT, events, nextCheckAt: undefined }
}
