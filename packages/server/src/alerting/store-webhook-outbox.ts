import type { Store } from '../store/store.js'
import type { WebhookOutbox } from '../webhooks/webhook-outbox.js'

/** The store's delivery queue as the webhook dispatcher sees it. */
export function storeWebhookOutbox(store: Store): WebhookOutbox {
  return {
    claimDue: (now, limit, leaseMs) => store.claimDueDeliveries(now, limit, leaseMs),
    markDelivered: (id, _attempts, at, status) => store.markDeliveryDone(id, at, status),
    reschedule: (id, attempts, nextAttemptAt, lastError) =>
      store.rescheduleDelivery(id, attempts, nextAttemptAt, lastError),
    markFailed: (id, attempts, at, lastError) =>
      store.markDeliveryFailed(id, attempts, at, lastError),
  }
}
