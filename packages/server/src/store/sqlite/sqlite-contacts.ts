import type Database from 'better-sqlite3'
import { DuplicateKeyError, type Contact, type NewContact } from '../store.js'
import type { AcceptInvitationResult } from '../alert-records.js'
import { CONTACT_COLUMNS, contactValues, toContact, type ContactRow } from '../store-rows.js'

/** Maps the unique index on live contact names to {@link DuplicateKeyError}. */
function asDuplicateName(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' && /contacts/.test(String(error))) {
    return new DuplicateKeyError('contact_name')
  }
  return error
}

/** The contact and subscription part of the SQLite store (migration 2). */
export class SqliteContacts {
  readonly #db: Database.Database
  readonly #guard: <T>(work: () => T) => T
  readonly #sql

  constructor(db: Database.Database, guard: <T>(work: () => T) => T) {
    this.#db = db
    this.#guard = guard
    this.#sql = {
      countLive: db
        .prepare<[number], number>(
          'SELECT count(*) FROM contacts WHERE account_key = ? AND deleted_at IS NULL',
        )
        .pluck(),
      insert: db.prepare(
        'INSERT INTO contacts (account_key, contact_id, name, email, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      list: db.prepare<[number], ContactRow>(
        `SELECT ${CONTACT_COLUMNS} FROM contacts WHERE account_key = ? AND deleted_at IS NULL
         ORDER BY created_at, contact_id`,
      ),
      byId: db.prepare<[number, string], ContactRow>(
        `SELECT ${CONTACT_COLUMNS} FROM contacts WHERE account_key = ? AND contact_id = ?`,
      ),
      bySubscription: db.prepare<[number, string], ContactRow>(
        `SELECT ${CONTACT_COLUMNS} FROM contacts WHERE account_key = ? AND subscription_id = ?`,
      ),
      byInvitation: db.prepare<[string], ContactRow>(
        `SELECT ${CONTACT_COLUMNS} FROM contacts WHERE invitation_id = ? AND deleted_at IS NULL`,
      ),
      followsPublisher: db
        .prepare<[number, string, string], number>(
          `SELECT 1 FROM contacts WHERE account_key = ? AND subscriber_id = ? AND contact_id <> ?
             AND deleted_at IS NULL LIMIT 1`,
        )
        .pluck(),
      accept: db.prepare(
        `UPDATE contacts SET subscriber_id = ?, subscription_modified_at = ?, version = version + 1
         WHERE account_key = ? AND contact_id = ?`,
      ),
      bySubscriber: db.prepare<[string], ContactRow>(
        `SELECT ${CONTACT_COLUMNS} FROM contacts WHERE subscriber_id = ?
         ORDER BY subscription_modified_at, contact_id`,
      ),
      bySubscriberAndSubscription: db.prepare<[string, string], ContactRow>(
        `SELECT ${CONTACT_COLUMNS} FROM contacts WHERE subscriber_id = ? AND subscription_id = ?`,
      ),
      saveFollowerSettings: db.prepare(
        `UPDATE contacts SET follower_alert_settings = ?, version = version + 1
         WHERE account_key = ? AND subscription_id = ? AND deleted_at IS NULL`,
      ),
      save: db.prepare(
        `UPDATE contacts SET name = ?, deleted_at = ?, subscription_id = ?, invitation_id = ?,
           display_name = ?, permissions = ?, alert_settings = ?, paused = ?, subscriber_id = ?,
           subscription_created_at = ?, subscription_modified_at = ?, invite_expires = ?,
           follower_alert_settings =
             CASE WHEN subscription_id IS ? THEN follower_alert_settings ELSE NULL END,
           version = version + 1
         WHERE account_key = ? AND contact_id = ? AND version = ?`,
      ),
    }
  }

  createContact(contact: NewContact, maxContacts: number): 'created' | 'full' {
    const sql = this.#sql
    const create = this.#db.transaction((): 'created' | 'full' => {
      if ((sql.countLive.get(contact.accountKey) ?? 0) >= maxContacts) return 'full'
      sql.insert.run(contact.accountKey, contact.id, contact.name, contact.email, contact.createdAt)
      return 'created'
    })
    try {
      // IMMEDIATE: two creations for one account cannot both pass the count.
      return this.#guard(() => create.immediate())
    } catch (error) {
      throw asDuplicateName(error)
    }
  }

  listContacts(accountKey: number): Contact[] {
    return this.#guard(() => this.#sql.list.all(accountKey)).map(toContact)
  }

  findContact(accountKey: number, contactId: string): Contact | undefined {
    const row = this.#guard(() => this.#sql.byId.get(accountKey, contactId))
    return row && toContact(row)
  }

  findContactBySubscription(accountKey: number, subscriptionId: string): Contact | undefined {
    const row = this.#guard(() => this.#sql.bySubscription.get(accountKey, subscriptionId))
    return row && toContact(row)
  }

  saveContact(contact: Contact): boolean {
    // better-sqlite3 binds no booleans: `paused` (index 7) goes in as 0/1.
    const values = contactValues(contact).map((value) =>
      typeof value === 'boolean' ? (value ? 1 : 0) : value,
    )
    try {
      const { changes } = this.#guard(() =>
        this.#sql.save.run(...values, contact.accountKey, contact.id, contact.version),
      )
      return changes > 0
    } catch (error) {
      throw asDuplicateName(error)
    }
  }

  acceptInvitation(invitationId: string, subscriberId: string, at: number): AcceptInvitationResult {
    const sql = this.#sql
    const accept = this.#db.transaction((): AcceptInvitationResult => {
      const row = sql.byInvitation.get(invitationId)
      if (!row?.subscription_id) return { status: 'not_found' }
      const found = { accountKey: row.account_key, subscriptionId: row.subscription_id }
      if (row.subscriber_id === subscriberId) return { status: 'accepted', ...found }
      if (row.subscriber_id !== null) return { status: 'taken' }
      if ((row.invite_expires ?? 0) <= at) return { status: 'expired' }
      if (sql.followsPublisher.get(row.account_key, subscriberId, row.contact_id) !== undefined) {
        return { status: 'following' }
      }
      sql.accept.run(subscriberId, at, row.account_key, row.contact_id)
      return { status: 'accepted', ...found }
    })
    return this.#guard(() => accept.immediate())
  }

  listFollowerSubscriptions(subscriberId: string): Contact[] {
    return this.#guard(() => this.#sql.bySubscriber.all(subscriberId)).map(toContact)
  }

  findFollowerSubscription(subscriberId: string, subscriptionId: string): Contact | undefined {
    const row = this.#guard(() =>
      this.#sql.bySubscriberAndSubscription.get(subscriberId, subscriptionId),
    )
    return row && toContact(row)
  }

  saveFollowerAlertSettings(accountKey: number, subscriptionId: string, settings: string): boolean {
    return (
      this.#guard(() => this.#sql.saveFollowerSettings.run(settings, accountKey, subscriptionId))
        .changes > 0
    )
  }
}
