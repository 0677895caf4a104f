import type { AlertEventRecord, WebhookDelivery } from './alert-records.js'
import type { Account, Contact, Monitoring, Reading, Session } from './store.js'

/** An `accounts` row as both engines return it (column names are shared by their schemas). */
export interface AccountRow {
  account_key: number
  account_id: string
  kind: Account['kind']
  username: string
  email: string | null
  phone: string | null
  display_name: string
  password_hash: string
  created_at: number
}

/** A session's columns (`sessions` joined with its account) as both engines return them. */
export interface SessionRow {
  account_key: number
  account_id: string
  kind: Account['kind']
  created_at: number
  expires_at: number
}

export function toSession(id: string, row: SessionRow): Session {
  return {
    id,
    accountKey: row.account_key,
    accountId: row.account_id,
    kind: row.kind,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  }
}

/** A `readings` row as both engines return it. */
export interface ReadingRow {
  system_time: number
  offset_minutes: number
  value: number
  trend: number
}

export function toAccount(row: AccountRow): Account {
  return {
    key: row.account_key,
    id: row.account_id,
    kind: row.kind,
    username: row.username,
    email: row.email ?? undefined,
    phone: row.phone ?? undefined,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
  }
}

export function toReading(row: ReadingRow): Reading {
  return {
    systemTime: row.system_time,
    offsetMinutes: row.offset_minutes,
    value: row.value,
    trend: row.trend,
  }
}

/** A `contacts` row as both engines return it (`paused` is 0/1 in SQLite, boolean in PostgreSQL). */
export interface ContactRow {
  account_key: number
  contact_id: string
  name: string
  email: string
  created_at: number
  deleted_at: number | null
  subscription_id: string | null
  invitation_id: string | null
  display_name: string | null
  permissions: number | null
  alert_settings: string | null
  paused: boolean | number
  subscriber_id: string | null
  subscription_created_at: number | null
  subscription_modified_at: number | null
  invite_expires: number | null
  follower_alert_settings: string | null
  version: number
}

/** The columns of {@link ContactRow}, in that order. */
export const CONTACT_COLUMNS =
  'account_key, contact_id, name, email, created_at, deleted_at, subscription_id, invitation_id, display_name, permissions, alert_settings, paused, subscriber_id, subscription_created_at, subscription_modified_at, invite_expires, follower_alert_settings, version'

export function toContact(row: ContactRow): Contact {
  const s = row
  return {
    accountKey: row.account_key,
    id: row.contact_id,
    name: row.name,
    email: row.email,
    createdAt: row.created_at,
    deletedAt: row.deleted_at ?? undefined,
    version: row.version,
    subscription:
      s.subscription_id === null
        ? undefined
        : {
            id: s.subscription_id,
            invitationId: s.invitation_id ?? '',
            displayName: s.display_name ?? '',
            permissions: s.permissions ?? 0,
            alertSettings: s.alert_settings ?? '{}',
            paused: s.paused === true || s.paused === 1,
            subscriberId: s.subscriber_id ?? undefined,
            createdAt: s.subscription_created_at ?? row.created_at,
            modifiedAt: s.subscription_modified_at ?? row.created_at,
            inviteExpires: s.invite_expires ?? row.created_at,
            followerAlertSettings: s.follower_alert_settings ?? undefined,
          },
  }
}

/** The values the engines' save statements bind, in their order (see the last one). */
export function contactValues(contact: Contact): unknown[] {
  const s = contact.subscription
  return [
    contact.name,
    contact.deletedAt ?? null,
    s?.id ?? null,
    s?.invitationId ?? null,
    s?.displayName ?? null,
    s?.permissions ?? null,
    s?.alertSettings ?? null,
    s?.paused ?? false,
    s?.subscriberId ?? null,
    s?.createdAt ?? null,
    s?.modifiedAt ?? null,
    s?.inviteExpires ?? null,
    // Last, the subscription id again: the follower's own alert settings are written only by
    // saveFollowerAlertSettings, and dropped when the contact gets a new subscription.
    s?.id ?? null,
  ]
}

/** The monitoring columns of an account and its receiver, as both engines return them. */
export interface MonitoringRow {
  last_upload_at: number | null
  receiver_id: string | null
  serial_number: string | null
}

/** `active` is passed apart because the engines store the flag as 0/1 and as a boolean. */
export function toMonitoring(active: boolean, row: MonitoringRow | undefined): Monitoring {
  return {
    active,
    receiver:
      row?.receiver_id && row.serial_number
        ? { id: row.receiver_id, serialNumber: row.serial_number }
        : undefined,
    lastUploadAt: row?.last_upload_at ?? undefined,
  }
}

/** A webhook delivery row, as both engines return it. */
export interface DeliveryRow {
  delivery_id: string
  webhook_id: string
  url: string
  secret: string
  event_id: string
  event_type: string
  body: string
  attempts: number
  next_attempt_at: number
  created_at: number
}

/** The columns of {@link DeliveryRow}, in that order. */
export const DELIVERY_COLUMNS =
  'delivery_id, webhook_id, url, secret, event_id, event_type, body, attempts, next_attempt_at, created_at'

export function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.delivery_id,
    webhookId: row.webhook_id,
    url: row.url,
    secret: row.secret,
    eventId: row.event_id,
    eventType: row.event_type,
    body: row.body,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
  }
}

/** The values of a delivery in {@link DELIVERY_COLUMNS} order. */
export function deliveryValues(d: WebhookDelivery): unknown[] {
  return [
    d.id,
    d.webhookId,
    d.url,
    d.secret,
    d.eventId,
    d.eventType,
    d.body,
    d.attempts,
    d.nextAttemptAt,
    d.createdAt,
  ]
}

/** An alert event row, as both engines return it. */
export interface AlertEventRow {
  account_key: number
  subscription_id: string
  at: number
  event_id: string
  kind: string
  type: string
  data: string
}

/** The columns of {@link AlertEventRow}, in that order. */
export const ALERT_EVENT_COLUMNS = 'account_key, subscription_id, at, event_id, kind, type, data'

export function toAlertEvent(row: AlertEventRow): AlertEventRecord {
  return {
    id: row.event_id,
    accountKey: row.account_key,
    subscriptionId: row.subscription_id,
    kind: row.kind,
    type: row.type,
    at: row.at,
    data: row.data,
  }
}

/** The values of an event in {@link ALERT_EVENT_COLUMNS} order. */
export function alertEventValues(e: AlertEventRecord): unknown[] {
  return [e.accountKey, e.subscriptionId, e.at, e.id, e.kind, e.type, e.data]
}
