/** A schema change, applied once, in order, inside the migrating transaction. */
export interface PostgresMigration {
  readonly version: number
  readonly name: string
  /** Unqualified names: `migrate()` points `search_path` at the store's schema first. */
  readonly sql: string
}

/**
PostgreSQL schema history. Never edit a released migration: append a new one.

Types: times are `bigint` epoch ms, trend and zone offset `smallint`, ids `uuid`.
Case-insensitive uniqueness uses `lower(x COLLATE "C")`, which folds ASCII letters only, exactly
like SQLite's `COLLATE NOCASE`, whatever the database's locale.

Every per-account table is keyed by `account_key` so that, on Citus, `accounts`, `readings`,
`receivers` and `account_images` can be distributed by `account_key` and co-located: the hot
paths (insert and read readings, mark the upload, read monitoring) then touch one shard.
What is looked up by something other than the account, and how it would be distributed:
- `sessions` by `session_id` (every request starts there). It copies the account's id and kind,
  which never change, so `findSession` reads one row with no join and the table can be
  distributed by `session_id` on its own; the only by-account statement (`endAccountSessions`,
  on a password change) becomes a multi-shard update, and there is no foreign key to `accounts`.
- `login_failures` by `subject`: one row per subject, distributed by `subject`.
- The unique login names (`username`, `email`, `phone`) and receiver serial numbers are global
  constraints. Citus only enforces uniqueness that includes the distribution column, so a
  distributed deployment moves them into lookup tables distributed by the unique value
  (`login_names(name) → account_key`, `receivers` by `serial_number`) and writes both in one
  transaction. On a single PostgreSQL they stay plain unique indexes, as here.
*/
export const postgresMigrations: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'publisher accounts, sessions, receivers and readings',
    sql: `
      CREATE TABLE accounts (
        account_key       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        account_id        uuid NOT NULL,
        kind              text NOT NULL CHECK (kind IN ('publisher', 'follower')),
        username          text NOT NULL,
        email             text,
        phone             text,
        display_name      text NOT NULL,
        password_hash     text NOT NULL,
        created_at        bigint NOT NULL,
        monitoring_active boolean NOT NULL DEFAULT false,
        last_upload_at    bigint,
        runtime_info      jsonb
      );
      CREATE UNIQUE INDEX accounts_account_id_key ON accounts (account_id);
      CREATE UNIQUE INDEX accounts_username_key ON accounts (lower(username COLLATE "C"));
      CREATE UNIQUE INDEX accounts_email_key ON accounts (lower(email COLLATE "C"));
      CREATE UNIQUE INDEX accounts_phone_key ON accounts (phone);

      CREATE TABLE account_images (
        account_key  bigint PRIMARY KEY REFERENCES accounts (account_key) ON DELETE CASCADE,
        content_type text NOT NULL,
        data         bytea NOT NULL
      );

      CREATE TABLE sessions (
        session_id  uuid PRIMARY KEY,
        account_key bigint NOT NULL,
        account_id  uuid NOT NULL,
        kind        text NOT NULL,
        created_at  bigint NOT NULL,
        expires_at  bigint NOT NULL
      );
      CREATE INDEX sessions_account ON sessions (account_key);
      CREATE INDEX sessions_expiry ON sessions (expires_at);

      -- One row per subject: recording a failure is one upsert that locks that row, so
      -- concurrent failures for one subject are counted one after the other.
      CREATE TABLE login_failures (
        subject   text PRIMARY KEY,
        failed_at bigint[] NOT NULL
      );

      CREATE TABLE receivers (
        account_key   bigint PRIMARY KEY REFERENCES accounts (account_key) ON DELETE CASCADE,
        receiver_id   uuid NOT NULL,
        serial_number text NOT NULL,
        assigned_at   bigint NOT NULL
      );
      CREATE UNIQUE INDEX receivers_receiver_id_key ON receivers (receiver_id);
      CREATE UNIQUE INDEX receivers_serial_number_key ON receivers (serial_number);

      -- Column order packs a row into 24 bytes. No foreign key: it would cost an accounts
      -- lookup per inserted reading (SQLite's readings table has none either).
      CREATE TABLE readings (
        account_key    bigint NOT NULL,
        system_time    bigint NOT NULL,
        value          integer NOT NULL,
        offset_minutes smallint NOT NULL,
        trend          smallint NOT NULL,
        CONSTRAINT readings_pkey PRIMARY KEY (account_key, system_time)
      );
    `,
  },
  {
    version: 2,
    name: 'contacts and their subscriptions (publisher-side followers)',
    // One row per contact with its latest subscription, keyed by (account_key, contact_id): on
    // Citus it is distributed by account_key and co-located with accounts. Deleted contacts keep
    // their row (deleted_at set). Live names are unique per account, ASCII case folded as in
    // migration 1.
    sql: `
      CREATE TABLE contacts (
        account_key              bigint NOT NULL REFERENCES accounts (account_key) ON DELETE CASCADE,
        contact_id               uuid NOT NULL,
        name                     text NOT NULL,
        email                    text NOT NULL,
        created_at               bigint NOT NULL,
        deleted_at               bigint,
        subscription_id          uuid,
        invitation_id            uuid,
        display_name             text,
        permissions              smallint,
        alert_settings           text,
        paused                   boolean NOT NULL DEFAULT false,
        subscriber_id            uuid,
        subscription_created_at  bigint,
        subscription_modified_at bigint,
        invite_expires           bigint,
        CONSTRAINT contacts_pkey PRIMARY KEY (account_key, contact_id)
      );
      CREATE UNIQUE INDEX contacts_live_name ON contacts (account_key, lower(name COLLATE "C"))
        WHERE deleted_at IS NULL;
      CREATE UNIQUE INDEX contacts_subscription ON contacts (account_key, subscription_id)
        WHERE subscription_id IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: 'follower side: acceptance, follower alert settings, alert state and events, webhooks',
    // alert_states and alert_events are keyed by the publisher's account_key (co-located with its
    // readings on Citus); webhooks by the follower's. Two lookups cross accounts and would fan out
    // to every shard on Citus: an invitation by id (rare: once per follower) and a follower's
    // subscriptions by subscriber_id (each follower read); a follower-keyed index table is the
    // plan for the sharded layout. The delivery outbox is a queue read by due time, a reference
    // table candidate on Citus.
    sql: `
      ALTER TABLE contacts ADD COLUMN follower_alert_settings text;
      CREATE UNIQUE INDEX contacts_invitation ON contacts (invitation_id)
        WHERE invitation_id IS NOT NULL;
      CREATE INDEX contacts_subscriber ON contacts (subscriber_id)
        WHERE subscriber_id IS NOT NULL;
      CREATE TABLE alert_states (
        account_key     bigint NOT NULL REFERENCES accounts (account_key) ON DELETE CASCADE,
        subscription_id uuid NOT NULL,
        state           text NOT NULL,
        next_check_at   bigint,
        CONSTRAINT alert_states_pkey PRIMARY KEY (account_key, subscription_id)
      );
      CREATE INDEX alert_states_due ON alert_states (next_check_at)
        WHERE next_check_at IS NOT NULL;
      CREATE TABLE alert_events (
        account_key     bigint NOT NULL REFERENCES accounts (account_key) ON DELETE CASCADE,
        subscription_id uuid NOT NULL,
        at              bigint NOT NULL,
        event_id        uuid NOT NULL,
        kind            text NOT NULL,
        type            text NOT NULL,
        data            text NOT NULL,
        CONSTRAINT alert_events_pkey PRIMARY KEY (account_key, subscription_id, at, event_id)
      );
      CREATE TABLE webhooks (
        account_key bigint NOT NULL REFERENCES accounts (account_key) ON DELETE CASCADE,
        webhook_id  uuid NOT NULL,
        url         text NOT NULL,
        secret      text NOT NULL,
        created_at  bigint NOT NULL,
        CONSTRAINT webhooks_pkey PRIMARY KEY (account_key, webhook_id)
      );
      CREATE TABLE webhook_deliveries (
        delivery_id     uuid PRIMARY KEY,
        webhook_id      uuid NOT NULL,
        url             text NOT NULL,
        secret          text NOT NULL,
        event_id        text NOT NULL,
        event_type      text NOT NULL,
        body            text NOT NULL,
        attempts        integer NOT NULL DEFAULT 0,
        next_attempt_at bigint NOT NULL,
        created_at      bigint NOT NULL,
        status          text NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'delivered', 'failed')),
        finished_at     bigint,
        http_status     integer,
        last_error      text
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
        WHERE status = 'pending';
    `,
  },
  {
    version: 4,
    name: 'contact versions (optimistic concurrency for contact updates)',
    // Every write to a contact row adds one, so that a publisher's read-change-write of the whole
    // row (saveContact) can refuse to overwrite a change made since it read, by this or another
    // server instance (issue 5). A constant default adds the column without rewriting the table.
    sql: `
      ALTER TABLE contacts ADD COLUMN version integer NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 5,
    name: 'retention: purge old alert events and finished webhook deliveries',
    // The purges filter by time across accounts, which no earlier index supports. The pending
    // deliveries' event index is small (the outbox queue) and keeps an event that a delivery still
    // refers to from being purged without scanning the outbox per event. Built inside the
    // migrating transaction (not CONCURRENTLY), so writes to these two tables wait for the build.
    sql: `
      CREATE INDEX alert_events_at ON alert_events (at);
      CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (finished_at)
        WHERE status <> 'pending';
      CREATE INDEX webhook_deliveries_pending_event ON webhook_deliveries (event_id)
        WHERE status = 'pending';
    `,
  },
]
