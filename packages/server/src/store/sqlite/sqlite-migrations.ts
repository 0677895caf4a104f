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
  {
    version: 3,
    name: 'follower side: acceptance, follower alert settings, alert state and events, webhooks',
    // Alert state and events are keyed by the publisher's account like its readings; webhooks by
    // the follower's account. The delivery outbox is read by due time across accounts.
    sql: `
      ALTER TABLE contacts ADD COLUMN follower_alert_settings TEXT;
      CREATE UNIQUE INDEX contacts_invitation ON contacts (invitation_id)
        WHERE invitation_id IS NOT NULL;
      CREATE INDEX contacts_subscriber ON contacts (subscriber_id)
        WHERE subscriber_id IS NOT NULL;
      CREATE TABLE alert_states (
        account_key     INTEGER NOT NULL REFERENCES accounts (account_key) ON DELETE CASCADE,
        subscription_id TEXT NOT NULL,
        state           TEXT NOT NULL,
        next_check_at   INTEGER,
        PRIMARY KEY (account_key, subscription_id)
      ) WITHOUT ROWID;
      CREATE INDEX alert_states_due ON alert_states (next_check_at)
        WHERE next_check_at IS NOT NULL;
      CREATE TABLE alert_events (
        account_key     INTEGER NOT NULL REFERENCES accounts (account_key) ON DELETE CASCADE,
        subscription_id TEXT NOT NULL,
        at              INTEGER NOT NULL,
        event_id        TEXT NOT NULL,
        kind            TEXT NOT NULL,
        type            TEXT NOT NULL,
        data            TEXT NOT NULL,
        PRIMARY KEY (account_key, subscription_id, at, event_id)
      ) WITHOUT ROWID;
      CREATE TABLE webhooks (
        account_key INTEGER NOT NULL REFERENCES accounts (account_key) ON DELETE CASCADE,
        webhook_id  TEXT NOT NULL,
        url         TEXT NOT NULL,
        secret      TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        PRIMARY KEY (account_key, webhook_id)
      ) WITHOUT ROWID;
      CREATE TABLE webhook_deliveries (
        delivery_id     TEXT PRIMARY KEY,
        webhook_id      TEXT NOT NULL,
        url             TEXT NOT NULL,
        secret          TEXT NOT NULL,
        event_id        TEXT NOT NULL,
        event_type      TEXT NOT NULL,
        body            TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        created_at      INTEGER NOT NULL,
        status          TEXT NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'delivered', 'failed')),
        finished_at     INTEGER,
        http_status     INTEGER,
        last_error      TEXT
      ) WITHOUT ROWID;
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
        WHERE status = 'pending';
    `,
  },
  {
    version: 4,
    name: 'contact versions (optimistic concurrency for contact updates)',
    // Every write to a contact row adds one, so that a publisher's read-change-write of the whole
    // row (saveContact) can refuse to overwrite a change made since it read (issue 5).
    sql: `
      ALTER TABLE contacts ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 5,
    name: 'retention: purge old alert events and finished webhook deliveries',
    // The purges filter by time across accounts, which no earlier index supports. The pending
    // deliveries' event index is small (the outbox queue) and keeps an event that a delivery still
    // refers to from being purged without scanning the outbox per event.
    sql: `
      CREATE INDEX alert_events_at ON alert_events (at);
      CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (finished_at)
        WHERE status <> 'pending';
      CREATE INDEX webhook_deliveries_pending_event ON webhook_deliveries (event_id)
        WHERE status = 'pending';
    `,
  },
]
