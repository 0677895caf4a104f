/**
The persistent queue the {@link WebhookDispatcher} delivers from. The store implements it
(SQLite, PostgreSQL); `memory-webhook-outbox.ts` is the single-process implementation.
@module
*/

/** One event to deliver to one webhook, as the outbox hands it out. */
export interface WebhookDelivery {
  /** The delivery's own id (one per webhook × event). */
  readonly id: string
  readonly webhookId: string
  /** http or https URL. May carry a token in its path: never log it whole. */
  readonly url: string
  /** HMAC key. Never logged, never put in an error message. */
  readonly secret: string
  /** Sent as `Glucoshare-Event-Id`; receivers de-duplicate on it. */
  readonly eventId: string
  /** Sent as `Glucoshare-Event-Type`. */
  readonly eventType: string
  /** The JSON text sent as the request body, byte for byte (the signature covers it). */
  readonly body: string
  /** Attempts already made (0 for a new delivery). */
  readonly attempts: number
  /** Epoch ms before which the delivery is not due. */
  readonly nextAttemptAt: number
  /** Epoch ms. */
  readonly createdAt: number
}

/**
Where deliveries wait. Deliveries are at-least-once: a server that dies between sending and
{@link WebhookOutbox.markDelivered} sends again once the lease has run out.
*/
export interface WebhookOutbox {
  /**
  Returns up to `limit` pending deliveries with `nextAttemptAt <= now` and no lease running
  at `now`, oldest due first, and leases them until `now + leaseMs`. Claiming must be atomic,
  so that two server instances never send the same delivery at once.
  */
  claimDue(now: number, limit: number, leaseMs: number): Promise<WebhookDelivery[]>
  /**
  The receiver answered 2xx with `status`; the delivery is done and its lease ends.
  `attempts` counts the ones made, this one included.
  */
  markDelivered(id: string, attempts: number, at: number, status: number): Promise<void>
  /** Another attempt is due at `nextAttemptAt`; `attempts` counts the ones made. The lease ends. */
  reschedule(id: string, attempts: number, nextAttemptAt: number, lastError: string): Promise<void>
  /** No more attempts will be made; `attempts` counts the ones made. The lease ends. */
  markFailed(id: string, attempts: number, at: number, lastError: string): Promise<void>
}
