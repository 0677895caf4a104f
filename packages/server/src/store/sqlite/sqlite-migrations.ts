/** A schema change, applied once, in order, inside a transaction. */
export interface SqliteMigration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

/**
SQLite schema history. Never edit a released migration: append a new one.
Readings are clustered by `(account_key, system_time)` (a WITHOUT ROWID table) because the
dominant query reads one account's newest rows; see perf-ceiling.md and BENCHMARKS.md.
*/
export const sqliteMigrations: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'publisher accounts, sessions, receivers and readings',
    sql: `
      CREATE TABLE accounts (
        account_key       INTEGER PRIMARY KEY,
        account_id        TEXT NOT NULL UNIQUE,
        kind              TEXT NOT NULL CHECK (kind IN ('publisher', 'follower')),
        username          TEXT NOT NULL UNIQUE COLLATE NOCASE,
        email             TEXT UNIQUE COLLATE NOCASE,
        phone             TEXT UNIQUE,
        display_name      TEXT NOT NULL,
        password_hash     TEXT NOT NULL,
        created_at        INTEGER NOT NULL,
        monitoring_active INTEGER NOT NULL DEFAULT 0,
        last_upload_at    INTEGER,
        runtime_info      TEXT
      );
      CREATE TABLE account_images (
        account_key  INTEGER PRIMARY KEY REFERENCES accounts (account_key) ON DELETE CASCADE,
        content_type TEXT NOT NULL,
        data         BLOB NOT NULL
      );
      CREATE TABLE sessions (
        session_id  TEXT PRIMARY KEY,
        account_key INTEGER NOT NULL REFERENCES accounts (account_key) ON DELETE CASCADE,
        created_at  INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX sessions_expiry ON sessions (expires_at);
      CREATE TABLE login_failures (
        subject   TEXT NOT NULL,
        failed_at INTEGER NOT NULL
      );
      CREATE INDEX login_failures_subject ON login_failures (subject, failed_at);
      CREATE TABLE receivers (
        receiver_id   TEXT PRIMARY KEY,
        serial_number TEXT NOT NULL UNIQUE,
        account_key   INTEGER NOT NULL UNIQUE REFERENCES accounts (account_key) ON DELETE CASCADE,
        assigned_at   INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE readings (
        account_key    INTEGER NOT NULL,
        system_time    INTEGER NOT NULL,
        offset_minutes INTEGER NOT NULL,
        value          INTEGER NOT NULL,
        trend          INTEGER NOT NULL,
        PRIMARY KEY (account_key, system_time DESC)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'contacts and their subscriptions (publisher-side followers)',
    // One row per contact, its latest subscription in the same row; keyed by account first like
    // every per-account table. Deleted contacts keep their row (deleted_at set).
    sql: `
      CREATE TABLE contacts (
        account_key              INTEGER NOT NULL REFERENCES accounts (account_key) ON DELETE CASCADE,
        contact_id               TEXT NOT NULL,
        name                     TEXT NOT NULL,
        email                    TEXT NOT NULL,
        created_at               INTEGER NOT NULL,
        deleted_at               INTEGER,
        subscription_id          TEXT,
        invitation_id            TEXT,
        display_name             TEXT,
        permissions              INTEGER,
        alert_settings           TEXT,
        paused                   INTEGER NOT NULL DEFAULT 0,
        subscriber_id            TEXT,
        subscription_created_at  INTEGER,
        subscription_modified_at INTEGER,
        invite_expires           INTEGER,
        PRIMARY KEY (account_key, contact_id)
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX contacts_live_name ON contacts (account_key, name COLLATE NOCASE)
        WHERE deleted_at IS NULL;
      CREATE UNIQUE INDEX contacts_subscription ON contacts (account_key, subscription_id)
        WHERE subscription_id IS NOT NULL;
    `,
  },
]
