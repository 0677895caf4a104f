import type { PoolClient, QueryResult, QueryResultRow } from 'pg'
import type {
  AcceptInvitationResult,
  AlertEventRecord,
  AlertTransition,
  DueAlertCheck,
  Webhook,
  WebhookDelivery,
} from '../alert-records.js'
import type { Contact } from '../store.js'
import {
  ALERT_EVENT_COLUMNS,
  CONTACT_COLUMNS,
  DELIVERY_COLUMNS,
  alertEventValues,
  deliveryValues,
  toAlertEvent,
  toContact,
  toDelivery,
  type AlertEventRow,
  type ContactRow,
  type DeliveryRow,
} from '../store-rows.js'
import type { PostgresStatement } from './postgres-statements.js'

const STORED_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** How the follower-side code reaches PostgreSQL: the store's own pooled helpers. */
export interface PostgresExecutor {
  run<R extends QueryResultRow>(
    statement: PostgresStatement,
    values: unknown[],
  ): Promise<QueryResult<R>>
  transaction(work: (client: PoolClient) => Promise<void>): Promise<void>
}

function statements(prefix: string) {
  const t = (table: string) => `${prefix}${table}`
  const statement = (name: string, text: string): PostgresStatement => ({
    name: `glucoshare_${name}`,
    text: text.replace(/\s+/g, ' ').trim(),
  })
  return {
    invitationPublisher: statement(
      'invitation_publisher',
      `SELECT account_key FROM ${t('contacts')} WHERE invitation_id = $1 AND deleted_at IS NULL`,
    ),
    // The account row lock serialises acceptances of one publisher's invitations (and webhook
    // creations of one follower) across every instance. NO KEY: foreign-key checks of inserts
    // elsewhere for this account do not wait for it.
    lockAccount: statement(
      'lock_account_no_key',
      `SELECT 1 FROM ${t('accounts')} WHERE account_key = $1 FOR NO KEY UPDATE`,
    ),
    followsPublisher: statement(
      'follows_publisher',
      `SELECT 1 FROM ${t('contacts')} WHERE account_key = $1 AND subscriber_id = $2
         AND contact_id <> $3 AND deleted_at IS NULL LIMIT 1`,
    ),
    countWebhooks: statement(
      'count_webhooks',
      `SELECT count(*)::int AS n FROM ${t('webhooks')} WHERE account_key = $1`,
    ),
    lockInvitation: statement(
      'lock_invitation',
      `SELECT ${CONTACT_COLUMNS} FROM ${t('contacts')}
       WHERE invitation_id = $1 AND deleted_at IS NULL FOR UPDATE`,
    ),
    accept: statement(
      'accept_invitation',
      `UPDATE ${t('contacts')} SET subscriber_id = $1, subscription_modified_at = $2,
         version = version + 1
       WHERE account_key = $3 AND contact_id = $4`,
    ),
    bySubscriber: statement(
      'contacts_by_subscriber',
      `SELECT ${CONTACT_COLUMNS} FROM ${t('contacts')} WHERE subscriber_id = $1
       ORDER BY subscription_modified_at, contact_id`,
    ),
    bySubscriberAndSubscription: statement(
      'contact_by_subscriber_subscription',
      `SELECT ${CONTACT_COLUMNS} FROM ${t('contacts')}
       WHERE subscriber_id = $1 AND subscription_id = $2`,
    ),
    ensureState: statement(
      'ensure_alert_state',
      `INSERT INTO ${t('alert_states')} (account_key, subscription_id, state, next_check_at)
       VALUES ($1, $2, '', NULL) ON CONFLICT DO NOTHING`,
    ),
    lockState: statement(
      'lock_alert_state',
      `SELECT state FROM ${t('alert_states')}
       WHERE account_key = $1 AND subscription_id = $2 FOR UPDATE`,
    ),
    writeState: statement(
      'write_alert_state',
      `UPDATE ${t('alert_states')} SET state = $3, next_check_at = $4
       WHERE account_key = $1 AND subscription_id = $2`,
    ),
    readState: statement(
      'read_alert_state',
      `SELECT state FROM ${t('alert_states')} WHERE account_key = $1 AND subscription_id = $2`,
    ),
    dropState: statement(
      'drop_alert_state',
      `DELETE FROM ${t('alert_states')} WHERE account_key = $1 AND subscription_id = $2`,
    ),
    due: statement(
      'due_alert_checks',
      `SELECT account_key, subscription_id FROM ${t('alert_states')}
       WHERE next_check_at IS NOT NULL AND next_check_at <= $1 ORDER BY next_check_at LIMIT $2`,
    ),
    insertEvent: statement(
      'insert_alert_event',
      `INSERT INTO ${t('alert_events')} (${ALERT_EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    ),
    events: statement(
      'alert_events',
      `SELECT ${ALERT_EVENT_COLUMNS} FROM ${t('alert_events')}
       WHERE account_key = $1 AND subscription_id = $2 AND at >= $3
       ORDER BY at DESC, event_id DESC LIMIT $4`,
    ),
    insertWebhook: statement(
      'insert_webhook',
      `INSERT INTO ${t('webhooks')} (account_key, webhook_id, url, secret, created_at)
       VALUES ($1, $2, $3, $4, $5)`,
    ),
    webhooks: statement(
      'webhooks',
      `SELECT webhook_id, url, secret, created_at FROM ${t('webhooks')} WHERE account_key = $1
       ORDER BY created_at, webhook_id`,
    ),
    deleteWebhook: statement(
      'delete_webhook',
      `WITH removed AS (
         DELETE FROM ${t('webhooks')} WHERE account_key = $1 AND webhook_id = $2 RETURNING webhook_id
       ), dropped AS (
         DELETE FROM ${t('webhook_deliveries')}
         WHERE status = 'pending' AND webhook_id IN (SELECT webhook_id FROM removed)
       )
       SELECT count(*)::int AS removed FROM removed`,
    ),
    insertDelivery: statement(
      'insert_delivery',
      `INSERT INTO ${t('webhook_deliveries')} (${DELIVERY_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    ),
    claim: statement(
      'claim_deliveries',
      // SKIP LOCKED: instances claiming at the same moment take different rows instead of waiting.
      `UPDATE ${t('webhook_deliveries')} d SET next_attempt_at = $3
       FROM (SELECT delivery_id, next_attempt_at AS due FROM ${t('webhook_deliveries')}
             WHERE status = 'pending' AND next_attempt_at <= $1
             ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED) c
       WHERE d.delivery_id = c.delivery_id
       RETURNING d.delivery_id, d.webhook_id, d.url, d.secret, d.event_id, d.event_type, d.body,
         d.attempts, c.due AS next_attempt_at, d.created_at`,
    ),
    done: statement(
      'delivery_done',
      `UPDATE ${t('webhook_deliveries')} SET status = 'delivered', finished_at = $2,
         http_status = $3, attempts = attempts + 1 WHERE delivery_id = $1`,
    ),
    reschedule: statement(
      'delivery_reschedule',
      `UPDATE ${t('webhook_deliveries')} SET attempts = $2, next_attempt_at = $3, last_error = $4
       WHERE delivery_id = $1`,
    ),
    failed: statement(
      'delivery_failed',
      `UPDATE ${t('webhook_deliveries')} SET status = 'failed', attempts = $2, finished_at = $3,
         last_error = $4 WHERE delivery_id = $1`,
    ),
    // By ctid, a bounded batch per statement: each one is a short transaction that holds few locks.
    purgeEvents: statement(
      'purge_alert_events',
      `DELETE FROM ${t('alert_events')} WHERE ctid = ANY(ARRAY(
         SELECT e.ctid FROM ${t('alert_events')} e
         WHERE e.at < $1 AND NOT EXISTS (
           SELECT 1 FROM ${t('webhook_deliveries')} d
           WHERE d.status = 'pending' AND d.event_id = e.event_id::text
         ) LIMIT $2))`,
    ),
    purgeDeliveries: statement(
      'purge_deliveries',
      `DELETE FROM ${t('webhook_deliveries')} WHERE ctid = ANY(ARRAY(
         SELECT ctid FROM ${t('webhook_deliveries')}
         WHERE status <> 'pending' AND finished_at < $1 LIMIT $2))`,
    ),
  }
}

/** Rows one purge statement deletes at most. */
const PURGE_BATCH = 1000

/** The follower side of the PostgreSQL store (migration 3). */
export class PostgresAlerts {
  readonly #sql: ReturnType<typeof statements>
  readonly #db: PostgresExecutor

  constructor(prefix: string, executor: PostgresExecutor) {
    this.#sql = statements(prefix)
    this.#db = executor
  }

  async acceptInvitation(
    invitationId: string,
    subscriberId: string,
    at: number,
  ): Promise<AcceptInvitationResult> {
    if (!STORED_UUID.test(invitationId)) return { status: 'not_found' }
    if (!STORED_UUID.test(subscriberId)) return { status: 'not_found' }
    let result: AcceptInvitationResult = { status: 'not_found' }
    const sql = this.#sql
    await this.#db.transaction(async (client) => {
      // A contact's account never changes, so it can be read before the locks. The publisher's
      // lock comes first and the contact's second, the order createContact also takes them.
      const publisher = await client.query<{ account_key: number }>({
        ...sql.invitationPublisher,
        values: [invitationId],
      })
      const accountKey = publisher.rows[0]?.account_key
      if (accountKey === undefined) return
      await client.query({ ...sql.lockAccount, values: [accountKey] })
      const { rows } = await client.query<ContactRow>({
        ...sql.lockInvitation,
        values: [invitationId],
      })
      const row = rows[0]
      if (!row?.subscription_id) return
      const found = { accountKey: row.account_key, subscriptionId: row.subscription_id }
      if (row.subscriber_id === subscriberId) result = { status: 'accepted', ...found }
      else if (row.subscriber_id !== null) result = { status: 'taken' }
      else if ((row.invite_expires ?? 0) <= at) result = { status: 'expired' }
      else if (
        (
          await client.query({
            ...sql.followsPublisher,
            values: [row.account_key, subscriberId, row.contact_id],
          })
        ).rows.length > 0
      ) {
        result = { status: 'following' }
      } else {
        await client.query({
          ...sql.accept,
          values: [subscriberId, at, row.account_key, row.contact_id],
        })
        result = { status: 'accepted', ...found }
      }
    })
    return result
  }

  async listFollowerSubscriptions(subscriberId: string): Promise<Contact[]> {
    if (!STORED_UUID.test(subscriberId)) return []
    const { rows } = await this.#db.run<ContactRow>(this.#sql.bySubscriber, [subscriberId])
    return rows.map(toContact)
  }

  async findFollowerSubscription(
    subscriberId: string,
    subscriptionId: string,
  ): Promise<Contact | undefined> {
    if (!STORED_UUID.test(subscriberId) || !STORED_UUID.test(subscriptionId)) return undefined
    const { rows } = await this.#db.run<ContactRow>(this.#sql.bySubscriberAndSubscription, [
      subscriberId,
      subscriptionId,
    ])
    return rows[0] && toContact(rows[0])
  }

  async transitionAlerts(
    accountKey: number,
    subscriptionId: string,
    step: (state: string | undefined) => AlertTransition | undefined,
  ): Promise<AlertEventRecord[]> {
    const sql = this.#sql
    let written: AlertEventRecord[] = []
    await this.#db.transaction(async (client) => {
      const key = [accountKey, subscriptionId]
      await client.query({ ...sql.ensureState, values: key })
      // The row lock serialises evaluations of one subscription across every instance.
      const { rows } = await client.query<{ state: string }>({ ...sql.lockState, values: key })
      const stored = rows[0]?.state
      const next = step(stored === undefined || stored === '' ? undefined : stored)
      if (!next) {
        if (stored === '') await client.query({ ...sql.dropState, values: key })
        return
      }
      await client.query({
        ...sql.writeState,
        values: [...key, next.state, next.nextCheckAt ?? null],
      })
      for (const e of next.events) {
        await client.query({
          ...sql.insertEvent,
          values: alertEventValues(e),
        })
      }
      for (const d of next.deliveries) {
        await client.query({
          ...sql.insertDelivery,
          values: deliveryValues(d),
        })
      }
      written = [...next.events]
    })
    return written
  }

  async readAlertState(accountKey: number, subscriptionId: string): Promise<string | undefined> {
    if (!STORED_UUID.test(subscriptionId)) return undefined
    const { rows } = await this.#db.run<{ state: string }>(this.#sql.readState, [
      accountKey,
      subscriptionId,
    ])
    const state = rows[0]?.state
    return state === '' ? undefined : state
  }

  async dropAlertState(accountKey: number, subscriptionId: string): Promise<void> {
    if (!STORED_UUID.test(subscriptionId)) return
    await this.#db.run(this.#sql.dropState, [accountKey, subscriptionId])
  }

  async dueAlertChecks(now: number, limit: number): Promise<DueAlertCheck[]> {
    const { rows } = await this.#db.run<{ account_key: number; subscription_id: string }>(
      this.#sql.due,
      [now, Math.trunc(limit)],
    )
    return rows.map((row) => ({ accountKey: row.account_key, subscriptionId: row.subscription_id }))
  }

  async listAlertEvents(
    accountKey: number,
    subscriptionId: string,
    since: number,
    limit: number,
  ): Promise<AlertEventRecord[]> {
    if (!STORED_UUID.test(subscriptionId)) return []
    const { rows } = await this.#db.run<AlertEventRow>(this.#sql.events, [
      accountKey,
      subscriptionId,
      since,
      Math.trunc(limit),
    ])
    return rows.map(toAlertEvent)
  }

  async createWebhook(webhook: Webhook, maxWebhooks: number): Promise<'created' | 'full'> {
    const { accountKey, id, url, secret, createdAt } = webhook
    const sql = this.#sql
    let outcome: 'created' | 'full' = 'full'
    await this.#db.transaction(async (client) => {
      await client.query({ ...sql.lockAccount, values: [accountKey] })
      const { rows } = await client.query<{ n: number }>({
        ...sql.countWebhooks,
        values: [accountKey],
      })
      if ((rows[0]?.n ?? 0) >= maxWebhooks) return
      await client.query({
        ...sql.insertWebhook,
        values: [accountKey, id, url, secret, createdAt],
      })
      outcome = 'created'
    })
    return outcome
  }

  async listWebhooks(accountKey: number): Promise<Webhook[]> {
    const { rows } = await this.#db.run<{
      webhook_id: string
      url: string
      secret: string
      created_at: number
    }>(this.#sql.webhooks, [accountKey])
    return rows.map((row) => ({
      accountKey,
      id: row.webhook_id,
      url: row.url,
      secret: row.secret,
      createdAt: row.created_at,
    }))
  }

  async deleteWebhook(accountKey: number, id: string): Promise<boolean> {
    if (!STORED_UUID.test(id)) return false
    const { rows } = await this.#db.run<{ removed: number }>(this.#sql.deleteWebhook, [
      accountKey,
      id,
    ])
    return (rows[0]?.removed ?? 0) > 0
  }

  async claimDueDeliveries(
    now: number,
    limit: number,
    leaseMs: number,
  ): Promise<WebhookDelivery[]> {
    const { rows } = await this.#db.run<DeliveryRow>(this.#sql.claim, [
      now,
      Math.trunc(limit),
      now + leaseMs,
    ])
    return rows.map(toDelivery).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt)
  }

  async markDeliveryDone(id: string, at: number, status: number): Promise<void> {
    await this.#db.run(this.#sql.done, [id, at, status])
  }

  async rescheduleDelivery(
    id: string,
    attempts: number,
    nextAttemptAt: number,
    lastError: string,
  ): Promise<void> {
    await this.#db.run(this.#sql.reschedule, [id, attempts, nextAttemptAt, lastError])
  }

  async markDeliveryFailed(
    id: string,
    attempts: number,
    at: number,
    lastError: string,
  ): Promise<void> {
    await this.#db.run(this.#sql.failed, [id, attempts, at, lastError])
  }

  purgeAlertEvents(before: number): Promise<number> {
    return this.#purge(this.#sql.purgeEvents, before)
  }

  purgeWebhookDeliveries(before: number): Promise<number> {
    return this.#purge(this.#sql.purgeDeliveries, before)
  }

  async #purge(statement: PostgresStatement, before: number): Promise<number> {
    let total = 0
    for (;;) {
      const deleted = (await this.#db.run(statement, [before, PURGE_BATCH])).rowCount ?? 0
      total += deleted
      if (deleted < PURGE_BATCH) return total
    }
  }
}
