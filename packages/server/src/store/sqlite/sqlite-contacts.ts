import type Database from 'better-sqlite3'
import { DuplicateKeyError, type Contact, type NewContact } from '../store.js'
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
      save: db.prepare(
        `UPDATE contacts SET name = ?, deleted_at = ?, subscription_id = ?, invitation_id = ?,
           display_name = ?, permissions = ?, alert_settings = ?, paused = ?, subscriber_id = ?,
           subscription_created_at = ?, subscription_modified_at = ?, invite_expires = ?
         WHERE account_key = ? AND contact_id = ?`,
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

  saveContact(contact: Contact): void {
    // better-sqlite3 binds no booleans: `paused` (index 7) goes in as 0/1.
    const values = contactValues(contact).map((value) =>
      typeof value === 'boolean' ? (value ? 1 : 0) : value,
    )
    try {
      this.#guard(() => this.#sql.save.run(...values, contact.accountKey, contact.id))
    } catch (error) {
      throw asDuplicateName(error)
    }
  }
}
