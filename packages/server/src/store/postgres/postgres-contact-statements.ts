import { CONTACT_COLUMNS } from '../store-rows.js'
import type { PostgresStatement } from './postgres-statements.js'

/** The contact and subscription statements (migration 2), tables qualified by `prefix`. */
export function postgresContactStatements(prefix: string) {
  const contacts = `${prefix}contacts`
  const statement = (name: string, text: string): PostgresStatement => ({
    name: `glucoshare_${name}`,
    text: text.replace(/\s+/g, ' ').trim(),
  })
  return {
    // Run inside createContact's transaction: the account row lock makes concurrent creations
    // for one publisher count one after the other.
    lockAccount: statement(
      'lock_account',
      `SELECT 1 FROM ${prefix}accounts WHERE account_key = $1 FOR UPDATE`,
    ),
    countLive: statement(
      'count_live_contacts',
      `SELECT count(*) AS live FROM ${contacts} WHERE account_key = $1 AND deleted_at IS NULL`,
    ),
    insert: statement(
      'insert_contact',
      `INSERT INTO ${contacts} (account_key, contact_id, name, email, created_at)
       VALUES ($1, $2, $3, $4, $5)`,
    ),
    list: statement(
      'list_contacts',
      `SELECT ${CONTACT_COLUMNS} FROM ${contacts} WHERE account_key = $1 AND deleted_at IS NULL
       ORDER BY created_at, contact_id`,
    ),
    byId: statement(
      'contact_by_id',
      `SELECT ${CONTACT_COLUMNS} FROM ${contacts} WHERE account_key = $1 AND contact_id = $2`,
    ),
    bySubscription: statement(
      'contact_by_subscription',
      `SELECT ${CONTACT_COLUMNS} FROM ${contacts} WHERE account_key = $1 AND subscription_id = $2`,
    ),
    saveFollowerSettings: statement(
      'save_follower_alert_settings',
      `UPDATE ${contacts} SET follower_alert_settings = $1, version = version + 1
       WHERE account_key = $2 AND subscription_id = $3 AND deleted_at IS NULL`,
    ),
    save: statement(
      'save_contact',
      `UPDATE ${contacts} SET name = $1, deleted_at = $2, subscription_id = $3, invitation_id = $4,
         display_name = $5, permissions = $6, alert_settings = $7, paused = $8, subscriber_id = $9,
         subscription_created_at = $10, subscription_modified_at = $11, invite_expires = $12,
         follower_alert_settings = CASE WHEN subscription_id IS NOT DISTINCT FROM $13::uuid
           THEN follower_alert_settings ELSE NULL END,
         version = version + 1
       WHERE account_key = $14 AND contact_id = $15 AND version = $16`,
    ),
  }
}
