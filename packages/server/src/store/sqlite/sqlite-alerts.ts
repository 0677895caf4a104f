import type Database from 'better-sqlite3'
import type {
  AlertEventRecord,
  AlertTransition,
  DueAlertCheck,
  Webhook,
  WebhookDelivery,
} from '../alert-records.js'
import {
  ALERT_EVENT_COLUMNS,
  DELIVERY_COLUMNS,
  alertEventValues,
  deliveryValues,
  toAlertEvent,
  toDelivery,
  type AlertEventRow,
  type DeliveryRow,
} from '../store-rows.js'

/** Rows one purge statement deletes at most. */
const PURGE_BATCH = 1000

/** Alert state, alert events, webhooks and the delivery outbox of the SQLite store (migration 3). */
export class SqliteAlerts {
  readonly #db: Database.Database
  readonly #guard: <T>(work: () => T) => T
  readonly #sql

  constructor(db: Database.Database, guard: <T>(work: () => T) => T) {
    this.#db = db
    this.#guard = guard
    this.#sql = {
      state: db
        .prepare<[number, string], string>(
          'SELECT state FROM alert_states WHERE account_key = ? AND subscription_id = ?',
        )
        .pluck(),
      upsertState: db.prepare(
        `INSERT INTO alert_states (account_key, subscription_id, state, next_check_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (account_key, subscription_id)
         DO UPDATE SET state = excluded.state, next_check_at = excluded.next_check_at`,
      ),
      dropState: db.prepare(
        'DELETE FROM alert_states WHERE account_key = ? AND subscription_id = ?',
      ),
      due: db.prepare<[number, number], { account_key: number; subscription_id: string }>(
        `SELECT account_key, subscription_id FROM alert_states
         WHERE next_check_at IS NOT NULL AND next_check_at <= ? ORDER BY next_check_at LIMIT ?`,
      ),
      insertEvent: db.prepare(
        `INSERT INTO alert_events (${ALERT_EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      events: db.prepare<[number, string, number, number], AlertEventRow>(
        `SELECT ${ALERT_EVENT_COLUMNS} FROM alert_events
         WHERE account_key = ? AND subscription_id = ? AND at >= ?
         ORDER BY at DESC, event_id DESC LIMIT ?`,
      ),
      // One statement: SQLite's single writer makes the count and the insert one atomic step.
      insertWebhook: db.prepare(
        `INSERT INTO webhooks (account_key, webhook_id, url, secret, created_at)
         SELECT ?, ?, ?, ?, ? WHERE (SELECT count(*) FROM webhooks WHERE account_key = ?) < ?`,
      ),
      webhooks: db.prepare<
        [number],
        { webhook_id: string; url: string; secret: string; created_at: number }
      >(
        `SELECT webhook_id, url, secret, created_at FROM webhooks WHERE account_key = ?
         ORDER BY created_at, webhook_id`,
      ),
      deleteWebhook: db.prepare('DELETE FROM webhooks WHERE account_key = ? AND webhook_id = ?'),
      dropDeliveries: db.prepare(
        "DELETE FROM webhook_deliveries WHERE webhook_id = ? AND status = 'pending'",
      ),
      insertDelivery: db.prepare(
        `INSERT INTO webhook_deliveries (${DELIVERY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      dueDeliveries: db.prepare<[number, number], DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
         WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`,
      ),
      lease: db.prepare('UPDATE webhook_deliveries SET next_attempt_at = ? WHERE delivery_id = ?'),
      done: db.prepare(
        `UPDATE webhook_deliveries SET status = 'delivered', finished_at = ?, http_status = ?,
           attempts = attempts + 1 WHERE delivery_id = ?`,
      ),
      reschedule: db.prepare(
        `UPDATE webhook_deliveries SET attempts = ?, next_attempt_at = ?, last_error = ?
         WHERE delivery_id = ?`,
      ),
      failed: db.prepare(
        `UPDATE webhook_deliveries SET status = 'failed', attempts = ?, finished_at = ?, last_error = ?
         WHERE delivery_id = ?`,
      ),
      purgeEvents: db.prepare<[number, number]>(
        `DELETE FROM alert_events WHERE (account_key, subscription_id, at, event_id) IN (
           SELECT account_key, subscription_id, at, event_id FROM alert_events e
           WHERE at < ? AND NOT EXISTS (
             SELECT 1 FROM webhook_deliveries d WHERE d.status = 'pending' AND d.event_id = e.event_id
           ) LIMIT ?)`,
      ),
      purgeDeliveries: db.prepare<[number, number]>(
        `DELETE FROM webhook_deliveries WHERE delivery_id IN (
           SELECT delivery_id FROM webhook_deliveries
           WHERE status <> 'pending' AND finished_at < ? LIMIT ?)`,
      ),
    }
  }

  transitionAlerts(
    accountKey: number,
    subscriptionId: string,
    step: (state: string | undefined) => AlertTransition | undefined,
  ): AlertEventRecord[] {
    const sql = this.#sql
    const run = this.#db.transaction((): AlertEventRecord[] => {
      const next = step(sql.state.get(accountKey, subscriptionId))
      if (!next) return []
      sql.upsertState.run(accountKey, subscriptionId, next.state, next.nextCheckAt ?? null)
      for (const e of next.events) sql.insertEvent.run(...alertEventValues(e))
      for (const d of next.deliveries) sql.insertDelivery.run(...deliveryValues(d))
      return [...next.events]
    })
    // IMMEDIATE: the read of the state and the write of its successor hold the write lock together.
    return this.#guard(() => run.immediate())
  }

  readAlertState(accountKey: number, subscriptionId: string): string | undefined {
    return this.#guard(() => this.#sql.state.get(accountKey, subscriptionId))
  }

  dropAlertState(accountKey: number, subscriptionId: string): void {
    this.#guard(() => this.#sql.dropState.run(accountKey, subscriptionId))
  }

  dueAlertChecks(now: number, limit: number): DueAlertCheck[] {
    return this.#guard(() => this.#sql.due.all(now, limit)).map((row) => ({
      accountKey: row.account_key,
      subscriptionId: row.subscription_id,
    }))
  }

  listAlertEvents(
    accountKey: number,
    subscriptionId: string,
    since: number,
    limit: number,
  ): AlertEventRecord[] {
    return this.#guard(() => this.#sql.events.all(accountKey, subscriptionId, since, limit)).map(
      toAlertEvent,
    )
  }

  createWebhook(webhook: Webhook, maxWebhooks: number): 'created' | 'full' {
    const { accountKey, id, url, secret, createdAt } = webhook
    const { changes } = this.#guard(() =>
      this.#sql.insertWebhook.run(accountKey, id, url, secret, createdAt, accountKey, maxWebhooks),
    )
    return changes > 0 ? 'created' : 'full'
  }

  listWebhooks(accountKey: number): Webhook[] {
    return this.#guard(() => this.#sql.webhooks.all(accountKey)).map((row) => ({
      accountKey,
      id: row.webhook_id,
      url: row.url,
      secret: row.secret,
      createdAt: row.created_at,
    }))
  }

  deleteWebhook(accountKey: number, id: string): boolean {
    const remove = this.#db.transaction((): boolean => {
      const removed = this.#sql.deleteWebhook.run(accountKey, id).changes > 0
      if (removed) this.#sql.dropDeliveries.run(id)
      return removed
    })
    return this.#guard(() => remove.immediate())
  }

  claimDueDeliveries(now: number, limit: number, leaseMs: number): WebhookDelivery[] {
    const sql = this.#sql
    const claim = this.#db.transaction((): WebhookDelivery[] => {
      const rows = sql.dueDeliveries.all(now, limit)
      for (const row of rows) sql.lease.run(now + leaseMs, row.delivery_id)
      return rows.map(toDelivery)
    })
    return this.#guard(() => claim.immediate())
  }

  markDeliveryDone(id: string, at: number, status: number): void {
    this.#guard(() => this.#sql.done.run(at, status, id))
  }

  rescheduleDelivery(id: string, attempts: number, nextAttemptAt: number, lastError: string): void {
    this.#guard(() => this.#sql.reschedule.run(attempts, nextAttemptAt, lastError, id))
  }

  markDeliveryFailed(id: string, attempts: number, at: number, lastError: string): void {
    this.#guard(() => this.#sql.failed.run(attempts, at, lastError, id))
  }

  purgeAlertEvents(before: number): Promise<number> {
    return this.#purge(this.#sql.purgeEvents, before)
  }

  purgeWebhookDeliveries(before: number): Promise<number> {
    return this.#purge(this.#sql.purgeDeliveries, before)
  }

  // One short write transaction per batch, yielding to the event loop between batches: the
  // connection is synchronous, so one huge DELETE would stall every request and hold the write lock.
  async #purge(statement: Database.Statement<[number, number]>, before: number): Promise<number> {
    let total = 0
    for (;;) {
      const deleted = this.#guard(() => statement.run(before, PURGE_BATCH).changes)
      total += deleted
      if (deleted < PURGE_BATCH) return total
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
}
