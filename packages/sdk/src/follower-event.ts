/**
The events of a follower's live stream (`Subscriber/StreamEvents`, a glucoshare extension).
@module
*/
import type { ServerSentEvent } from './_event-stream.js'
import { parseAlertEvent, type AlertEvent } from './alert-event.js'
import { clientError } from './errors.js'
import { GlucoseReading } from './glucose-reading.js'
import type { MmolConversion } from './glucose-units.js'

/** The stream is open: every later reading and alert arrives on it. */
export interface ReadyEvent {
  readonly type: 'ready'
}

/** A new reading of a publisher the follower follows. */
export interface ReadingEvent {
  readonly type: 'reading'
  readonly subscriptionId: string
  readonly reading: GlucoseReading
}

/** An alert event of one of the follower's subscriptions (the body webhooks receive too). */
export interface AlertNoticeEvent {
  readonly type: 'alert'
  readonly subscriptionId: string
  /** The publisher's display name. */
  readonly publisher: string
  readonly alert: AlertEvent
}

/** One event of {@link ShareFollowerClient.streamEvents}. */
export type FollowerEvent = ReadyEvent | ReadingEvent | AlertNoticeEvent

/** A stream event as a {@link FollowerEvent}; `undefined` for event types this SDK does not know. */
export function toFollowerEvent(
  message: ServerSentEvent,
  operation: string,
  mmolConversion: MmolConversion,
): FollowerEvent | undefined {
  if (message.event === 'ready') return { type: 'ready' }
  if (message.event !== 'reading' && message.event !== 'alert') return undefined
  const invalid = () =>
    clientError('InvalidResponse', operation, { detail: `a ${message.event} event is malformed` })
  let data: Record<string, unknown>
  try {
    data = JSON.parse(message.data) as Record<string, unknown>
  } catch {
    throw invalid()
  }
  if (typeof data !== 'object' || data === null) throw invalid()
  if (message.event === 'reading') {
    const subscriptionId = data['SubscriptionId']
    if (typeof subscriptionId !== 'string') throw invalid()
    const reading = new GlucoseReading(data['Egv'], { mmolConversion, operation })
    return { type: 'reading', subscriptionId, reading }
  }
  const subscriptionId = data['subscriptionId']
  if (typeof subscriptionId !== 'string') throw invalid()
  return {
    type: 'alert',
    subscriptionId,
    publisher: typeof data['publisher'] === 'string' ? data['publisher'] : '',
    alert: parseAlertEvent(data['alert'], operation, { eventId: data['id'], subscriptionId }),
  }
}

/**
Reads the body of a webhook delivery (the JSON text, or the parsed object) as the same
{@link AlertNoticeEvent} the live stream yields. Check the `Glucoshare-Signature` header first.
*/
export function parseAlertNotice(body: unknown): AlertNoticeEvent {
  const data = typeof body === 'string' ? body : JSON.stringify(body ?? null)
  const event = toFollowerEvent(
    { event: 'alert', data, id: undefined },
    'parseAlertNotice',
    'dexcom',
  )
  return event as AlertNoticeEvent
}
