/**
The follower-side records of the store contract: alert state, alert events, webhooks and their
delivery outbox. Alert state and events are keyed by the publisher's account (where the readings
that drive them live); webhooks by the follower's account that owns them.
@module
*/
import type { WebhookDelivery } from '../webhooks/webhook-outbox.js'

/** One alert event as stored: the engine's event, serialised, with where it belongs. */
export interface AlertEventRecord {
  /** Lower-case UUID. */
  readonly id: string
  /** The publisher's account key. */
  readonly accountKey: number
  readonly subscriptionId: string
  /** `urgentLow`, `low`, `high`, `noData`, `risingFast`, `fallingFast`, `urgentLowSoon`. */
  readonly kind: string
  /** `fired`, `realarm`, `cleared` or `acknowledged`. */
  readonly type: string
  /** When it happened, epoch ms on the server's clock. */
  readonly at: number
  /** The whole event as JSON text (values, thresholds, reading time). */
  readonly data: string
}

/** A follower's outgoing webhook. */
export interface Webhook {
  /** The follower's account key. */
  readonly accountKey: number
  /** Lower-case UUID. */
  readonly id: string
  readonly url: string
  /** The HMAC-SHA256 key; shown to the follower once, at creation. */
  readonly secret: string
  readonly createdAt: number
}

/** One queued webhook request, as the dispatcher's outbox defines it. */
export type { WebhookDelivery }

/**
What an alert evaluation writes, all or nothing: the new state (JSON text), when it next needs a
check without new data, the events it raised and the webhook requests they cause.
*/
export interface AlertTransition {
  readonly state: string
  readonly nextCheckAt: number | undefined
  readonly events: readonly AlertEventRecord[]
  readonly deliveries: readonly WebhookDelivery[]
}

/** A subscription whose alerts need a check now. */
export interface DueAlertCheck {
  readonly accountKey: number
  readonly subscriptionId: string
}

/** Outcome of {@link Store.acceptInvitation}. */
export type AcceptInvitationResult =
  | { readonly status: 'accepted'; readonly accountKey: number; readonly subscriptionId: string }
  | { readonly status: 'not_found' | 'expired' | 'taken' | 'following' }
