import type { AlertKind } from './alert-kind.js'

/**
- `fired`: the alert's condition has held for its AlarmDelay (a notification).
- `realarm`: it still holds RealarmDelay after the last notification (a notification).
- `cleared`: a firing alert's condition ended, or the alert was disabled.
- `acknowledged`: a follower silenced a firing alert.
*/
export type AlertEventType = 'fired' | 'realarm' | 'cleared' | 'acknowledged'

/** Something that happened to one alert, at `at` (the evaluation's `now`). */
export interface AlertEvent {
  readonly kind: AlertKind
  readonly type: AlertEventType
  /** Epoch ms: the `now` of the evaluation or acknowledgement. */
  readonly at: number
  /** mg/dL of the newest reading (glucose alerts). */
  readonly value?: number
  /** System time of that reading. */
  readonly readingTime?: number
  /** mg/dL threshold of high, low, urgent low and urgent low soon. */
  readonly threshold?: number
  /** Fitted rate of change in mg/dL per minute (rising/falling fast, urgent low soon). */
  readonly rate?: number
  /** mg/dL predicted at the end of urgent low soon's horizon. */
  readonly predicted?: number
  /** When the condition started (fired, realarm). */
  readonly since?: number
  /** The last data time NoData counts from (NoData). */
  readonly lastDataAt?: number
  /** End of the silence (acknowledged); `null`: until the condition clears. */
  readonly silencedUntil?: number | null
  /** Why an alert cleared. */
  readonly reason?: 'condition-ended' | 'data-arrived' | 'disabled' | 'paused' | 'removed'
}

/** Only 'fired' and 'realarm' are notifications for followers. */
export function isNotification(event: AlertEvent): boolean {
  return event.type === 'fired' || event.type === 'realarm'
}
