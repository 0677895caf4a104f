import type { WebhookDelivery, WebhookOutbox } from './webhook-outbox.js'

/** Where a delivery stands in a {@link MemoryWebhookOutbox}. */
export type WebhookDeliveryState = 'pending' | 'delivered' | 'failed'

/** A delivery with its bookkeeping, as {@link MemoryWebhookOutbox.get} shows it. */
export interface WebhookDeliveryRecord extends WebhookDelivery {
  readonly state: WebhookDeliveryState
  /** Epoch ms until which a claim holds the delivery; 0 when none. */
  readonly leasedUntil: number
  readonly lastError: string | undefined
  /** HTTP status of the successful attempt. */
  readonly deliveredStatus: number | undefined
  /** Epoch ms of delivery or of giving up. */
  readonly finishedAt: number | undefined
}

/** What {@link MemoryWebhookOutbox.enqueue} needs; `attempts` and `nextAttemptAt` default to a new, due delivery. */
export type NewWebhookDelivery = Omit<WebhookDelivery, 'attempts' | 'nextAttemptAt'> &
  Partial<Pick<WebhookDelivery, 'attempts' | 'nextAttemptAt'>>

/**
A {@link WebhookOutbox} in process memory: for a single server process that accepts losing
queued deliveries on restart, and for tests. Claims are atomic because JavaScript runs them
without interleaving.
*/
export class MemoryWebhookOutbox implements WebhookOutbox {
  readonly #records = new Map<string, WebhookDeliveryRecord>()

  /** Queues a delivery. Throws when the id is already queued. */
  enqueue(delivery: NewWebhookDelivery): void {
    if (this.#records.has(delivery.id)) {
      throw new Error(`webhook delivery ${delivery.id} is already queued`)
    }
    this.#records.set(delivery.id, {
      ...delivery,
      attempts: delivery.attempts ?? 0,
      nextAttemptAt: delivery.nextAttemptAt ?? delivery.createdAt,
      state: 'pending',
      leasedUntil: 0,
      lastError: undefined,
      deliveredStatus: undefined,
      finishedAt: undefined,
    })
  }

  /** A copy of one delivery's record. */
  get(id: string): WebhookDeliveryRecord | undefined {
    const record = this.#records.get(id)
    return record && { ...record }
  }

  /** Copies of every record, in queueing order. */
  list(): WebhookDeliveryRecord[] {
    return [...this.#records.values()].map((record) => ({ ...record }))
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<WebhookDelivery[]> {
    const due = [...this.#records.values()]
      .filter((r) => r.state === 'pending' && r.nextAttemptAt <= now && r.leasedUntil <= now)
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.createdAt - b.createdAt)
      .slice(0, Math.max(0, limit))
    for (const record of due) this.#update(record.id, { leasedUntil: now + leaseMs })
    return due.map((record) => toDelivery(record))
  }

  async markDelivered(id: string, attempts: number, at: number, status: number): Promise<void> {
    this.#update(id, {
      state: 'delivered',
      attempts,
      leasedUntil: 0,
      deliveredStatus: status,
      finishedAt: at,
    })
  }

  async reschedule(
    id: string,
    attempts: number,
    nextAttemptAt: number,
    lastError: string,
  ): Promise<void> {
    this.#update(id, { attempts, nextAttemptAt, lastError, leasedUntil: 0 })
  }

  async markFailed(id: string, attempts: number, at: number, lastError: string): Promise<void> {
    this.#update(id, { state: 'failed', attempts, lastError, leasedUntil: 0, finishedAt: at })
  }

  #require(id: string): WebhookDeliveryRecord {
    const record = this.#records.get(id)
    if (!record) throw new Error(`webhook delivery ${id} is not queued`)
    return record
  }

  #update(id: string, patch: Partial<WebhookDeliveryRecord>): void {
    this.#records.set(id, { ...this.#require(id), ...patch })
  }
}

function toDelivery(record: WebhookDeliveryRecord): WebhookDelivery {
  const { id, webhookId, url, secret, eventId, eventType, body, attempts, nextAttemptAt } = record
  return {
    id,
    webhookId,
    url,
    secret,
    eventId,
    eventType,
    body,
    attempts,
    nextAttemptAt,
    createdAt: record.createdAt,
  }
}
