/** A named prepared statement: each pooled connection parses and plans it once. */
export interface PostgresStatement {
  readonly name: string
  readonly text: string
}

const ACCOUNT_COLUMNS =
  'account_key, account_id, kind, username, email, phone, display_name, password_hash, created_at'

// `COLLATE "C"` makes lower() fold ASCII only, as SQLite's NOCASE does; the expression must
// match the unique indexes of migration 1 for them to serve the lookup.
const SAME_USERNAME = 'lower(username COLLATE "C") = lower($1::text COLLATE "C")'
const SAME_EMAIL = 'lower(email COLLATE "C") = lower($1::text COLLATE "C")'

/**
Every fixed statement of the store, its tables qualified by `prefix` (a quoted schema and a dot,
or nothing to use the connection's `search_path`).
*/
export function postgresStatements(prefix: string) {
  const t = (table: string) => `${prefix}${table}`
  const statement = (name: string, text: string): PostgresStatement => ({
    name: `glucoshare_${name}`,
    text: text.replace(/\s+/g, ' ').trim(),
  })
  return {
    insertAccount: statement(
      'insert_account',
      `INSERT INTO ${t('accounts')}
         (account_id, kind, username, email, phone, display_name, password_hash, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING account_key`,
    ),
    // A username match wins over an email or phone match on another account.
    accountByLogin: statement(
      'account_by_login',
      `SELECT ${ACCOUNT_COLUMNS} FROM ${t('accounts')}
       WHERE ${SAME_USERNAME} OR ${SAME_EMAIL} OR phone = $1
       ORDER BY ${SAME_USERNAME} DESC, account_key LIMIT 1`,
    ),
    accountById: statement(
      'account_by_id',
      `SELECT ${ACCOUNT_COLUMNS} FROM ${t('accounts')} WHERE account_id = $1`,
    ),
    accountByKey: statement(
      'account_by_key',
      `SELECT ${ACCOUNT_COLUMNS} FROM ${t('accounts')} WHERE account_key = $1`,
    ),
    listAccounts: statement(
      'list_accounts',
      `SELECT ${ACCOUNT_COLUMNS} FROM ${t('accounts')} ORDER BY created_at, account_key`,
    ),
    readImage: statement(
      'read_image',
      `SELECT data, content_type FROM ${t('account_images')} WHERE account_key = $1`,
    ),
    writeImage: statement(
      'write_image',
      `INSERT INTO ${t('account_images')} (account_key, content_type, data) VALUES ($1, $2, $3)
       ON CONFLICT (account_key) DO UPDATE
       SET content_type = excluded.content_type, data = excluded.data`,
    ),
    writeRuntimeInfo: statement(
      'write_runtime_info',
      `UPDATE ${t('accounts')} SET runtime_info = $2::jsonb WHERE account_key = $1`,
    ),
    // The upsert locks the subject's row, so concurrent failures are counted one after the other.
    recordFailure: statement(
      'record_failure',
      `INSERT INTO ${t('login_failures')} AS f (subject, failed_at) VALUES ($1, ARRAY[$2::bigint])
       ON CONFLICT (subject) DO UPDATE
       SET failed_at = ARRAY(SELECT at FROM unnest(f.failed_at) AS at WHERE at >= $3) || $2::bigint
       RETURNING (SELECT count(*) FROM unnest(f.failed_at) AS at WHERE at >= $3) AS failures`,
    ),
    countFailures: statement(
      'count_failures',
      `SELECT count(*) AS failures FROM ${t('login_failures')} AS f, unnest(f.failed_at) AS at
       WHERE f.subject = $1 AND at >= $2`,
    ),
    clearFailures: statement(
      'clear_failures',
      `DELETE FROM ${t('login_failures')} WHERE subject = $1`,
    ),
    // Copies the account's id and kind (both immutable) so findSession reads one row, no join.
    insertSession: statement(
      'insert_session',
      `INSERT INTO ${t('sessions')}
         (session_id, account_key, account_id, kind, created_at, expires_at)
       SELECT $1::uuid, account_key, account_id, kind, $3::bigint, $4::bigint
       FROM ${t('accounts')} WHERE account_key = $2`,
    ),
    findSession: statement(
      'find_session',
      `SELECT account_key, account_id, kind, created_at, expires_at
       FROM ${t('sessions')} WHERE session_id = $1`,
    ),
    endSession: statement(
      'end_session',
      `UPDATE ${t('sessions')} SET expires_at = least(expires_at, $2) WHERE session_id = $1`,
    ),
    endAccountSessions: statement(
      'end_account_sessions',
      `UPDATE ${t('sessions')} SET expires_at = least(expires_at, $3)
       WHERE account_key = $1 AND session_id IS DISTINCT FROM $2::uuid`,
    ),
    purgeSessions: statement(
      'purge_sessions',
      `DELETE FROM ${t('sessions')} WHERE expires_at < $1`,
    ),
    readMonitoring: statement(
      'read_monitoring',
      `SELECT a.monitoring_active, a.last_upload_at, r.receiver_id, r.serial_number
       FROM ${t('accounts')} AS a LEFT JOIN ${t('receivers')} AS r ON r.account_key = a.account_key
       WHERE a.account_key = $1`,
    ),
    setMonitoring: statement(
      'set_monitoring',
      `UPDATE ${t('accounts')} SET monitoring_active = $2 WHERE account_key = $1`,
    ),
    receiverOwner: statement(
      'receiver_owner',
      `SELECT account_key FROM ${t('receivers')} WHERE serial_number = $1`,
    ),
    // No row back: another account holds the serial number. Two accounts racing for one number
    // both pass the NOT EXISTS; the unique index then fails the later one (mapped to `taken`).
    assignReceiver: statement(
      'assign_receiver',
      `INSERT INTO ${t('receivers')} (account_key, receiver_id, serial_number, assigned_at)
       SELECT $1::bigint, $2::uuid, $3::text, $4::bigint
       WHERE NOT EXISTS (
         SELECT 1 FROM ${t('receivers')} WHERE serial_number = $3 AND account_key <> $1
       )
       ON CONFLICT (account_key) DO UPDATE
       SET receiver_id = excluded.receiver_id, serial_number = excluded.serial_number,
           assigned_at = excluded.assigned_at
       RETURNING receiver_id`,
    ),
    unassignReceiver: statement(
      'unassign_receiver',
      `DELETE FROM ${t('receivers')} WHERE account_key = $1 AND receiver_id = $2`,
    ),
    // One statement, hence one transaction: the batch arrives as arrays (one bind per column,
    // whatever the batch size) and the upload mark commits with the rows (perf-ceiling.md §5).
    // `followed` (an active follower exists) spares uploads of unfollowed accounts the alert
    // engine's contact list, a third round trip; the contacts' primary key finds the account's.
    insertReadings: statement(
      'insert_readings',
      `WITH inserted AS (
         INSERT INTO ${t('readings')} (account_key, system_time, value, offset_minutes, trend)
         SELECT $1::bigint, r.* FROM unnest($2::bigint[], $3::integer[], $4::smallint[], $5::smallint[]) AS r
         ON CONFLICT DO NOTHING
         RETURNING 1
       ), marked AS (
         UPDATE ${t('accounts')} SET last_upload_at = $6 WHERE account_key = $1
       )
       SELECT count(*) AS inserted, EXISTS (
         SELECT 1 FROM ${t('contacts')}
         WHERE account_key = $1 AND deleted_at IS NULL AND subscriber_id IS NOT NULL AND NOT paused
       ) AS followed
       FROM inserted`,
    ),
    // The primary key (account_key, system_time) serves this as a backward index scan that stops
    // at the limit, with a bound LIMIT too (unlike SQLite).
    readLatest: statement(
      'read_latest',
      `SELECT system_time, offset_minutes, value, trend FROM ${t('readings')}
       WHERE account_key = $1 AND system_time >= $2 ORDER BY system_time DESC LIMIT $3`,
    ),
  }
}

/** The statements of one store. */
export type PostgresStatements = ReturnType<typeof postgresStatements>
