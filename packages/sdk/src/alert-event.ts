/**
Alert events and sounding alerts as a glucoshare server reports them: in `ReadAlertEvents`
(PascalCase keys), on the live stream and in webhooks (camelCase keys). Both read into the same
shapes here.
@module
*/
import { clientError } from './errors.js'

/**
- `fired`: the condition held for its alarm delay (a notification).
- `realarm`: it still held a re-alarm delay after the last notification (a notification).
- `cleared`: the condition ended, or the alert was turned off.
- `acknowledged`: a follower silenced the alert.
*/
export type AlertEventType = 'fired' | 'realarm' | 'cleared' | 'acknowledged'

/** Something that happened to one alert of one subscription. */
export interface AlertEvent {
  /** The event's id; the same in `ReadAlertEvents`, the live stream and webhooks. */
  readonly eventId: string
  readonly subscriptionId: string
  /** An {@link AlertKind}, or a kind this SDK does not know yet. */
  readonly kind: string
  /** An {@link AlertEventType}, or a type this SDK does not know yet. */
  readonly type: string
  readonly at: Date
  /** mg/dL of the newest reading, for glucose alerts. */
  readonly valueMgDl?: number
  /** When that reading was taken. */
  readonly readingTime?: Date
  /** The threshold in mg/dL, where the alert has one. */
  readonly thresholdMgDl?: number
  /** The rate of change in mg/dL per minute (rising fast, falling fast, urgent low soon). */
  readonly rateMgDlPerMinute?: number
  /** mg/dL predicted at the end of urgent low soon's horizon. */
  readonly predictedMgDl?: number
  /** When the condition started (fired, realarm). */
  readonly since?: Date
  /** The last data time NoData counts from. */
  readonly lastDataAt?: Date
  /** End of the silence of an acknowledgement; `null` until the condition clears. */
  readonly silencedUntil?: Date | null
  /** Why an alert cleared: `condition-ended`, `data-arrived` or `disabled`. */
  readonly reason?: string
  /** The event as the server sent it. */
  readonly raw: Readonly<Record<string, unknown>>
}

/** An alert sounding now (fired and not cleared). */
export interface SoundingAlert {
  readonly kind: string
  readonly since: Date | undefined
  readonly firedAt: Date | undefined
  readonly lastNotifiedAt: Date | undefined
  readonly acknowledgedAt: Date | undefined
  /** Quiet because a follower acknowledged it. */
  readonly silenced: boolean
  /** End of that silence; `undefined` while silenced means until the condition clears. */
  readonly silencedUntil: Date | undefined
}

/** What {@link ShareFollowerClient.getAlertEvents} answers. */
export interface AlertEvents {
  /** The alerts sounding now. */
  readonly current: SoundingAlert[]
  /** The events of the window asked for, newest first. */
  readonly events: AlertEvent[]
}

/** Reads the answer of `ReadAlertEvents`. */
export function parseAlertEvents(wire: unknown, operation: string): AlertEvents {
  const record = camelCaseKeys(wire)
  const current = record?.['current']
  const events = record?.['events']
  if (!Array.isArray(current) || !Array.isArray(events)) {
    throw clientError('InvalidResponse', operation)
  }
  return {
    current: current.map((item) => parseSoundingAlert(item, operation)),
    events: events.map((item) => parseAlertEvent(item, operation)),
  }
}

/**
Reads one alert event, PascalCase or camelCase. `ids` gives the event and subscription ids when
they travel outside the event (the live stream and webhooks wrap it).
*/
export function parseAlertEvent(
  wire: unknown,
  operation: string,
  ids: { eventId?: unknown; subscriptionId?: unknown } = {},
): AlertEvent {
  const record = camelCaseKeys(wire)
  const eventId = ids.eventId ?? record?.['eventId']
  const subscriptionId = ids.subscriptionId ?? record?.['subscriptionId']
  const at = dateOf(record?.['at'])
  if (
    !record ||
    typeof eventId !== 'string' ||
    typeof subscriptionId !== 'string' ||
    typeof record['kind'] !== 'string' ||
    typeof record['type'] !== 'string' ||
    at === undefined
  ) {
    throw clientError('InvalidResponse', operation, { detail: 'an alert event is malformed' })
  }
  const number = (key: string) => (typeof record[key] === 'number' ? record[key] : undefined)
  const optional = <T>(name: string, value: T | undefined) =>
    value === undefined ? {} : { [name]: value }
  const silencedUntil = record['silencedUntil']
  return {
    eventId,
    subscriptionId,
    kind: record['kind'],
    type: record['type'],
    at,
    ...optional('valueMgDl', number('value')),
    ...optional('readingTime', dateOf(record['readingTime'])),
    ...optional('thresholdMgDl', number('threshold')),
    ...optional('rateMgDlPerMinute', number('rate')),
    ...optional('predictedMgDl', number('predicted')),
    ...optional('since', dateOf(record['since'])),
    ...optional('lastDataAt', dateOf(record['lastDataAt'])),
    ...(silencedUntil === null ? { silencedUntil: null } : {}),
    ...optional('silencedUntil', dateOf(silencedUntil)),
    ...optional('reason', typeof record['reason'] === 'string' ? record['reason'] : undefined),
    raw: Object.freeze({ ...(wire as Record<string, unknown>) }),
  }
}

function parseSoundingAlert(wire: unknown, operation: string): SoundingAlert {
  const record = camelCaseKeys(wire)
  if (!record || typeof record['kind'] !== 'string') {
    throw clientError('InvalidResponse', operation, { detail: 'a current alert is malformed' })
  }
  return {
    kind: record['kind'],
    since: dateOf(record['since']),
    firedAt: dateOf(record['firedAt']),
    lastNotifiedAt: dateOf(record['lastNotifiedAt']),
    acknowledgedAt: dateOf(record['acknowledgedAt']),
    silenced: record['silenced'] === true,
    silencedUntil: dateOf(record['silencedUntil']),
  }
}

/** Epoch milliseconds as a Date; anything else as `undefined`. */
function dateOf(value: unknown): Date | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? new Date(value) : undefined
}

function camelCaseKeys(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key.charAt(0).toLowerCase() + key.slice(1), item]),
  )
}
