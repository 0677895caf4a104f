import { ALERT_KINDS, type AlertKind } from './alert-kind.js'
import { isSilenced, type AlertState } from './alert-state.js'

/** A firing alert, as a list of current alerts shows it. */
export interface FiringAlert {
  readonly kind: AlertKind
  /** When the condition started. */
  readonly since: number | null
  readonly firedAt: number | null
  readonly lastNotifiedAt: number | null
  readonly acknowledgedAt: number | null
  /** Quiet because of an acknowledgement at `now`. */
  readonly silenced: boolean
  /** End of that silence; `null` while silenced means until the condition clears. */
  readonly silencedUntil: number | null
}

/** The alerts that are firing (notified and not cleared), in {@link ALERT_KINDS} order. */
export function firingAlerts(state: AlertState, now: number): FiringAlert[] {
  return ALERT_KINDS.filter((kind) => state.alerts[kind].firing).map((kind) => {
    const slot = state.alerts[kind]
    return {
      kind,
      since: slot.since,
      firedAt: slot.firedAt,
      lastNotifiedAt: slot.lastNotifiedAt,
      acknowledgedAt: slot.acknowledgedAt,
      silenced: isSilenced(slot, now),
      silencedUntil: slot.silencedUntil,
    }
  })
}
