import type { AlertConfig } from './alert-config.js'
import type { AlertEvent } from './alert-event.js'
import type { AlertKind } from './alert-kind.js'
import type { AlertState } from './alert-state.js'

/**
A follower acknowledges a firing alert: it stays quiet until `now` plus its RealarmDelay, then
re-alarms if the condition still holds; with a RealarmDelay of 0, until the condition clears.
Acknowledging again restarts the silence. An alert that is not firing is left alone and no
event is returned (the caller answers with a fault).

After an acknowledgement, evaluate again with the same readings for the new `nextCheckAt`.
*/
export function acknowledgeAlert(
  state: AlertState,
  config: AlertConfig,
  kind: AlertKind,
  now: number,
): { state: AlertState; event: AlertEvent | undefined } {
  const slot = state.alerts[kind]
  if (!slot.firing) return { state, event: undefined }
  const realarm = config[kind].realarmDelayMs
  const silencedUntil = realarm > 0 ? now + realarm : null
  return {
    state: {
      ...state,
      alerts: { ...state.alerts, [kind]: { ...slot, acknowledgedAt: now, silencedUntil } },
    },
    event: { kind, type: 'acknowledged', at: now, silencedUntil },
  }
}
