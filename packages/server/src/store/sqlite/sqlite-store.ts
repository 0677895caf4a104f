import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import {
  DuplicateKeyError,
  type Account,
  type AccountPatch,
  type AssignResult,
  type Contact,
  type InsertedReadings,
  type Monitoring,
  type NewAccount,
  type NewContact,
  type Reading,
  type ReadingsUpload,
  type Session,
  type SessionMonitoring,
  type SessionEgvJson,
  type Store,
  StoreUnavailableError,
} from '../store.js'
import {
  toAccount,
  toMonitoring,
  toSession,
  type AccountRow,
  type SessionRow,
} from '../store-rows.js'
import type { SqliteStoreConfig } from './sqlite-store-config.js'
import { sqliteMigrations } from './sqlite-migrations.js'
import { SqliteContacts } from './sqlite-contacts.js'
import { SqliteAlerts } from './sqlite-alerts.js'
import { SqliteReadings } from './sqlite-readings.js'
import { SqliteLatestCache } from './sqlite-latest-cache.js'
import { prepareSessionMonitoring } from './sqlite-session-monitoring.js'
import { SqliteCheckpointer } from './sqlite-checkpointer.js'
import { allOrEach, callFailure, coalescer } from '../coalescer.js'
import type {
  AcceptInvitationResult,
  AlertEventRecord,
  AlertTransition,
  DueAlertCheck,
  Webhook,
  WebhookDelivery,
} from '../alert-records.js'

const ACCOUNT_COLUMNS =
  'account_key, account_id, kind, username, email, phone, display_name, password_hash, created_at'

/** Maps a UNIQUE constraint failure to the field it guards. */
function duplicateField(error: unknown): string | undefined {
  if (!(error instanceof Error) || !('code' in error)) return undefined
  if (error.code !== 'SQLITE_CONSTRAINT_UNIQUE') return undefined
  const match = /accounts\.(\w+)/.exec(error.message)
  return match?.[1] ?? 'value'
}

// A lock still held after the busy timeout, an I/O error, a file that cannot be opened, a full
// disk: the database cannot serve now, and the same call may work later.
const UNAVAILABLE_CODES = /^SQLITE_(BUSY|IOERR|CANTOPEN|FULL)(_|$)/

// The writer's automatic checkpoint once the worker checkpoints (SQLite's default is 1,000 pages):
// bounds the WAL at about 16 MiB under sustained uploads.
const WRITER_CHECKPOINT_PAGES = 4000

// Uploads per shared transaction: bounds the wait of the first upload of a batch for its commit.
// The event loop is blocked no longer than without batching: each upload's insert was synchronous.
const MAX_UPLOAD_BATCH = 64

// Reads per shared read transaction.
const MAX_READ_BATCH = 16

/** An outage as {@link StoreUnavailableError}; any other error as it is. */
function guardError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code
  if (error instanceof Error && typeof code === 'string' && UNAVAILABLE_CODES.test(code)) {
    return new StoreUnavailableError(error.message, { cause: error })
  }
  return error
}

/** Runs synchronous database work, raising outages as {@link StoreUnavailableError}. */
function guard<T>(work: () => T): T {
  try {
    return work()
  } catch (error) {
    throw guardError(error)
  }
}

/**
The embedded store: one SQLite file in WAL mode, opened through better-sqlite3.
Several processes may share the file (the CLI adds accounts while the server runs).
Calls are synchronous underneath; the promise wrapper keeps the contract engine-neutral.
A lock another process holds past the busy timeout, or a failing disk, rejects the call with
{@link StoreUnavailableError}.
*/
export class SqliteStore implements Store {
  readonly #db: Database.Database
  #statements: ReturnType<SqliteStore['prepareStatements']> | undefined
  #contactStore: SqliteContacts | undefined
  #alertStore: SqliteAlerts | undefined
  #readings: SqliteReadings | undefined
  #sessionMonitoring: ((sessionId: string) => SessionMonitoring | undefined) | undefined
  readonly #checkpointIntervalMs: number
  // Sessions and newest readings for reads of the newest reading (sqlite-latest-cache.ts).
  readonly #cache: SqliteLatestCache
  #checkpointer: SqliteCheckpointer | undefined
  // Uploads of one event-loop turn share a transaction (coalescer.ts): one commit, one set of WAL
  // lock calls and writes for all of them (BENCHMARKS.md).
  readonly #uploads = coalescer<ReadingsUpload, InsertedReadings>(async (uploads) => {
    const store = this.#readingsTable
    return allOrEach(
      uploads,
      (all) => guard(() => store.insertMany(all)),
      (one) => guard(() => store.insert(one)),
      (error) => error instanceof StoreUnavailableError,
    )
  }, MAX_UPLOAD_BATCH)
  // Reads of one event-loop turn in one read transaction: starting a WAL read transaction cost
  // about as much as a read itself, and now one start serves them all (BENCHMARKS.md).
  readonly #reads = coalescer<() => unknown, unknown>(
    async (works) => this.#readAll(works),
    MAX_READ_BATCH,
  )
  readonly #readAll: (works: readonly (() => unknown)[]) => (unknown | Error)[]
  #closed = false

  constructor(config: SqliteStoreConfig) {
    if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true })
    this.#checkpointIntervalMs = config.path === ':memory:' ? 0 : (config.checkpointIntervalMs ?? 0)
    this.#db = new Database(config.path)
    this.#db.pragma('journal_mode = WAL')
    // NORMAL in WAL mode: a commit survives a process crash; only power loss can drop the last ones.
    this.#db.pragma('synchronous = NORMAL')
    this.#db.pragma('foreign_keys = ON')
    this.#db.pragma(`busy_timeout = ${Math.trunc(config.busyTimeoutMs ?? 5000)}`)
    this.#db.pragma(`mmap_size = ${Math.trunc(config.mmapBytes ?? 0)}`)
    const cacheEntries = config.cacheEntries ?? 20_000
    if (!Number.isSafeInteger(cacheEntries) || cacheEntries < 0) {
      throw new RangeError(`cacheEntries must be a whole number of 0 or more: ${cacheEntries}`)
    }
    this.#cache = new SqliteLatestCache(this.#db, cacheEntries)
    const readAll = this.#db.transaction((works: readonly (() => unknown)[]) => {
      this.#cache.check()
      return works.map((work) => {
        try {
          return work()
        } catch (error) {
          return callFailure(guardError(error))
        }
      })
    })
    this.#readAll = (works) => {
      try {
        return readAll(works)
      } catch (error) {
        // BEGIN or COMMIT failed (the connection closed meanwhile): every read fails with it.
        return works.map(() => callFailure(guardError(error)))
      }
    }
  }

  async migrate(): Promise<void> {
    guard(() =>
      this.#db.exec(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
      ),
    )
    const apply = this.#db.transaction(() => {
      const applied = new Set(
        this.#db
          .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
          .all()
          .map((row) => row.version),
      )
      for (const migration of sqliteMigrations) {
        if (applied.has(migration.version)) continue
        this.#db.exec(migration.sql)
        this.#db
          .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
          .run(migration.version, migration.name, Date.now())
      }
    })
    // IMMEDIATE takes the write lock first, so two processes starting together migrate once.
    guard(() => apply.immediate())
    this.#statements = this.prepareStatements()
    this.#contactStore = new SqliteContacts(this.#db, guard)
    this.#alertStore = new SqliteAlerts(this.#db, guard)
    this.#readings = new SqliteReadings(this.#db, this.#cache)
    this.#sessionMonitoring = prepareSessionMonitoring(this.#db)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#checkpointer?.close()
    this.#db.close()
  }

  /** Moves WAL checkpoints to a worker thread; started by the first upload. */
  #startCheckpointer(): void {
    if (this.#checkpointer || this.#checkpointIntervalMs <= 0) return
    this.#checkpointer = new SqliteCheckpointer(this.#db.name, this.#checkpointIntervalMs)
    // The writer's own checkpoint, fsyncs included, runs inside a commit and holds up every
    // request meanwhile; with the worker copying pages every few milliseconds, it is only needed
    // to let the WAL start over, and rarer is cheaper (BENCHMARKS.md: +6 % uploads).
    this.#db.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`)
  }

  private prepareStatements() {
    const db = this.#db
    return {
      insertAccount: db.prepare(
        `INSERT INTO accounts (account_id, kind, username, email, phone, display_name, password_hash, created_at)
         VALUES (@id, @kind, @username, @email, @phone, @displayName, @passwordHash, @createdAt)`,
      ),
      accountByLogin: db.prepare<[string, string, string], AccountRow>(
        `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE username = ? OR email = ? OR phone = ?
         ORDER BY account_key LIMIT 3`,
      ),
      accountById: db.prepare<[string], AccountRow>(
        `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE account_id = ?`,
      ),
      accountByKey: db.prepare<[number], AccountRow>(
        `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE account_key = ?`,
      ),
      listAccounts: db.prepare<[], AccountRow>(
        `SELECT ${ACCOUNT_COLUMNS} FROM accounts ORDER BY created_at, account_key`,
      ),
      readImage: db.prepare<[number], { data: Buffer; content_type: string }>(
        'SELECT data, content_type FROM account_images WHERE account_key = ?',
      ),
      writeImage: db.prepare(
        `INSERT INTO account_images (account_key, content_type, data) VALUES (?, ?, ?)
         ON CONFLICT (account_key) DO UPDATE SET content_type = excluded.content_type, data = excluded.data`,
      ),
      writeRuntimeInfo: db.prepare('UPDATE accounts SET runtime_info = ? WHERE account_key = ?'),
      insertFailure: db.prepare('INSERT INTO login_failures (subject, failed_at) VALUES (?, ?)'),
      pruneFailures: db.prepare('DELETE FROM login_failures WHERE subject = ? AND failed_at < ?'),
      countFailures: db
        .prepare<[string, number], number>(
          'SELECT count(*) FROM login_failures WHERE subject = ? AND failed_at >= ?',
        )
        .pluck(),
      clearFailures: db.prepare('DELETE FROM login_failures WHERE subject = ?'),
      insertSession: db.prepare(
        'INSERT INTO sessions (session_id, account_key, created_at, expires_at) VALUES (?, ?, ?, ?)',
      ),
      findSession: db.prepare<[string], SessionRow>(
        `SELECT s.account_key, a.account_id, a.kind, s.created_at, s.expires_at
         FROM sessions s JOIN accounts a ON a.account_key = s.account_key WHERE s.session_id = ?`,
      ),
      endSession: db.prepare(
        'UPDATE sessions SET expires_at = min(expires_at, ?) WHERE session_id = ?',
      ),
      endAccountSessions: db.prepare(
        'UPDATE sessions SET expires_at = min(expires_at, ?) WHERE account_key = ? AND session_id <> ?',
      ),
      purgeSessions: db.prepare('DELETE FROM sessions WHERE expires_at < ?'),
      readMonitoring: db.prepare<
        [number],
        {
          monitoring_active: number
          last_upload_at: number | null
          receiver_id: string | null
          serial_number: string | null
        }
      >(
        `SELECT a.monitoring_active, a.last_upload_at, r.receiver_id, r.serial_number
         FROM accounts a LEFT JOIN receivers r ON r.account_key = a.account_key WHERE a.account_key = ?`,
      ),
      setMonitoring: db.prepare('UPDATE accounts SET monitoring_active = ? WHERE account_key = ?'),
      receiverOwner: db
        .prepare<[string], number>('SELECT account_key FROM receivers WHERE serial_number = ?')
        .pluck(),
      deleteReceiverOf: db.prepare('DELETE FROM receivers WHERE account_key = ?'),
      insertReceiver: db.prepare(
        'INSERT INTO receivers (receiver_id, serial_number, account_key, assigned_at) VALUES (?, ?, ?, ?)',
      ),
      unassignReceiver: db.prepare(
        'DELETE FROM receivers WHERE account_key = ? AND receiver_id = ?',
      ),
    }
  }

  /** A part made by migrate(), or why it cannot be used: the store is closed, or not migrated. */
  #ready<T>(part: T | undefined): T {
    if (this.#closed) throw new Error('the store is closed')
    if (!part) throw new Error('call migrate() before using the store')
    return part
  }

  get #sql() {
    return this.#ready(this.#statements)
  }

  get #contacts(): SqliteContacts {
    return this.#ready(this.#contactStore)
  }

  get #alerts(): SqliteAlerts {
    return this.#ready(this.#alertStore)
  }

  async createAccount(account: NewAccount): Promise<Account> {
    try {
      const result = guard(() =>
        this.#sql.insertAccount.run({
          ...account,
          email: account.email ?? null,
          phone: account.phone ?? null,
        }),
      )
      return {
        key: Number(result.lastInsertRowid),
        id: account.id,
        kind: account.kind,
        username: account.username,
        email: account.email,
        phone: account.phone,
        displayName: account.displayName,
        passwordHash: account.passwordHash,
        createdAt: account.createdAt,
      }
    } catch (error) {
      const field = duplicateField(error)
      if (field) throw new DuplicateKeyError(field)
      throw error
    }
  }

  async findAccountByLogin(login: string): Promise<Account | undefined> {
    const rows = guard(() => this.#sql.accountByLogin.all(login, login, login))
    // A username match wins over an email or phone match on another account.
    const row = rows.find((r) => r.username.toLowerCase() === login.toLowerCase()) ?? rows[0]
    return row && toAccount(row)
  }

  async findAccountById(id: string): Promise<Account | undefined> {
    const row = guard(() => this.#sql.accountById.get(id))
    return row && toAccount(row)
  }

  async findAccountByKey(key: number): Promise<Account | undefined> {
    const row = guard(() => this.#sql.accountByKey.get(key))
    return row && toAccount(row)
  }

  async listAccounts(): Promise<Account[]> {
    return guard(() => this.#sql.listAccounts.all()).map(toAccount)
  }

  async updateAccount(key: number, patch: AccountPatch): Promise<void> {
    const columns = { displayName: 'display_name', email: 'email', passwordHash: 'password_hash' }
    const sets: string[] = []
    const values: unknown[] = []
    for (const [field, column] of Object.entries(columns)) {
      const value = patch[field as keyof AccountPatch]
      if (value === undefined) continue
      sets.push(`${column} = ?`)
      values.push(value)
    }
    if (sets.length === 0) return
    try {
      guard(() =>
        this.#db
          .prepare(`UPDATE accounts SET ${sets.join(', ')} WHERE account_key = ?`)
          .run(...values, key),
      )
    } catch (error) {
      const field = duplicateField(error)
      if (field) throw new DuplicateKeyError(field)
      throw error
    }
  }

  async readAccountImage(key: number) {
    const row = guard(() => this.#sql.readImage.get(key))
    return row && { data: new Uint8Array(row.data), contentType: row.content_type }
  }

  async writeAccountImage(key: number, data: Uint8Array, contentType: string): Promise<void> {
    guard(() => this.#sql.writeImage.run(key, contentType, Buffer.from(data)))
  }

  async writeRuntimeInfo(key: number, info: Record<string, unknown>): Promise<void> {
    this.#elsewhere(() => this.#sql.writeRuntimeInfo.run(JSON.stringify(info), key))
  }

  async recordLoginFailure(subject: string, at: number, since: number): Promise<number> {
    const sql = this.#sql
    const record = this.#db.transaction(() => {
      sql.pruneFailures.run(subject, since)
      sql.insertFailure.run(subject, at)
      return sql.countFailures.get(subject, since) ?? 0
    })
    return this.#elsewhere(record)
  }

  async countLoginFailures(subject: string, since: number): Promise<number> {
    return guard(() => this.#sql.countFailures.get(subject, since)) ?? 0
  }

  async clearLoginFailures(subject: string): Promise<void> {
    this.#elsewhere(() => this.#sql.clearFailures.run(subject))
  }

  async createSession(session: Omit<Session, 'accountId' | 'kind'>): Promise<void> {
    // A new session: the cache holds only sessions it has read.
    this.#elsewhere(() =>
      this.#sql.insertSession.run(
        session.id,
        session.accountKey,
        session.createdAt,
        session.expiresAt,
      ),
    )
  }

  async findSession(id: string): Promise<Session | undefined> {
    const row = guard(() => this.#sql.findSession.get(id))
    return row && toSession(id, row)
  }

  async endSession(id: string, at: number): Promise<void> {
    guard(() => this.#sql.endSession.run(at, id))
  }

  async endAccountSessions(accountKey: number, keepId: string, at: number): Promise<void> {
    guard(() => this.#sql.endAccountSessions.run(at, accountKey, keepId))
  }

  async purgeSessions(before: number): Promise<number> {
    return guard(() => this.#sql.purgeSessions.run(before)).changes
  }

  async readMonitoring(accountKey: number): Promise<Monitoring> {
    const row = guard(() => this.#sql.readMonitoring.get(accountKey))
    return toMonitoring(row?.monitoring_active === 1, row)
  }

  async readMonitoringBySession(sessionId: string): Promise<SessionMonitoring | undefined> {
    const read = this.#ready(this.#sessionMonitoring)
    return this.#read(() => read(sessionId))
  }

  async setMonitoringActive(accountKey: number, active: boolean): Promise<void> {
    guard(() => this.#sql.setMonitoring.run(active ? 1 : 0, accountKey))
  }

  async findReceiverOwner(serialNumber: string): Promise<number | undefined> {
    return guard(() => this.#sql.receiverOwner.get(serialNumber))
  }

  async assignReceiver(
    accountKey: number,
    serialNumber: string,
    receiverId: string,
  ): Promise<AssignResult> {
    const sql = this.#sql
    const assign = this.#db.transaction((): AssignResult => {
      const owner = sql.receiverOwner.get(serialNumber)
      if (owner !== undefined && owner !== accountKey) return { status: 'taken' }
      sql.deleteReceiverOf.run(accountKey)
      sql.insertReceiver.run(receiverId, serialNumber, accountKey, Date.now())
      return { status: 'assigned', receiverId }
    })
    return guard(() => assign.immediate())
  }

  async unassignReceiver(accountKey: number, receiverId: string): Promise<boolean> {
    return guard(() => this.#sql.unassignReceiver.run(accountKey, receiverId)).changes > 0
  }

  async insertReadings(
    accountKey: number,
    readings: readonly Reading[],
    receivedAt: number,
  ): Promise<InsertedReadings> {
    void this.#readingsTable // fails now, not in the batch, when the store is closed
    this.#startCheckpointer()
    return this.#uploads.load({ accountKey, readings, receivedAt })
  }

  async readLatest(accountKey: number, since: number, limit: number): Promise<Reading[]> {
    const readings = this.#readingsTable
    return guard(() => readings.latest(accountKey, since, limit))
  }

  async readEgvJson(
    accountKey: number,
    since: number,
    limit: number,
    legacy: boolean,
  ): Promise<string> {
    const readings = this.#readingsTable
    return guard(() => readings.egvJson(accountKey, since, limit, legacy))
  }

  async readEgvJsonBySession(
    sessionId: string,
    since: number,
    limit: number,
    legacy: boolean,
  ): Promise<SessionEgvJson | undefined> {
    const readings = this.#readingsTable
    return this.#read(() => readings.egvJsonBySession(sessionId, since, limit, legacy))
  }

  /**
  Runs a synchronous write that changes nothing the cache holds (sessions it has read, account
  ids and kinds, readings), so that the cache stays: alert states, webhook deliveries, login
  failures, runtime info, new sessions. Errors are mapped as `guard` maps them.
  */
  #elsewhere<T>(write: () => T): T {
    // Closed or not migrated: the same error as the write itself would raise.
    this.#ready(this.#statements)
    return guard(() => this.#cache.writeElsewhere(write))
  }

  /** Runs synchronous read work in the read transaction of this loop turn's reads. */
  #read<T>(work: () => T): Promise<T> {
    return this.#reads.load(work) as Promise<T>
  }

  get #readingsTable(): SqliteReadings {
    return this.#ready(this.#readings)
  }

  async createContact(contact: NewContact, maxContacts: number): Promise<'created' | 'full'> {
    return this.#contacts.createContact(contact, maxContacts)
  }

  async listContacts(accountKey: number): Promise<Contact[]> {
    return this.#contacts.listContacts(accountKey)
  }

  async findContact(accountKey: number, contactId: string): Promise<Contact | undefined> {
    return this.#contacts.findContact(accountKey, contactId)
  }

  async findContactBySubscription(
    accountKey: number,
    subscriptionId: string,
  ): Promise<Contact | undefined> {
    return this.#contacts.findContactBySubscription(accountKey, subscriptionId)
  }

  async saveContact(contact: Contact): Promise<boolean> {
    return this.#contacts.saveContact(contact)
  }

  async acceptInvitation(
    invitationId: string,
    subscriberId: string,
    at: number,
  ): Promise<AcceptInvitationResult> {
    return this.#contacts.acceptInvitation(invitationId, subscriberId, at)
  }

  async saveFollowerAlertSettings(
    accountKey: number,
    subscriptionId: string,
    settings: string,
  ): Promise<boolean> {
    return this.#contacts.saveFollowerAlertSettings(accountKey, subscriptionId, settings)
  }

  async listFollowerSubscriptions(subscriberId: string): Promise<Contact[]> {
    return this.#contacts.listFollowerSubscriptions(subscriberId)
  }

  async findFollowerSubscription(
    subscriberId: string,
    subscriptionId: string,
  ): Promise<Contact | undefined> {
    return this.#contacts.findFollowerSubscription(subscriberId, subscriptionId)
  }

  async transitionAlerts(
    accountKey: number,
    subscriptionId: string,
    step: (state: string | undefined) => AlertTransition | undefined,
  ): Promise<AlertEventRecord[]> {
    return this.#elsewhere(() => this.#alerts.transitionAlerts(accountKey, subscriptionId, step))
  }

  async readAlertState(accountKey: number, subscriptionId: string): Promise<string | undefined> {
    return this.#alerts.readAlertState(accountKey, subscriptionId)
  }

  async dropAlertState(accountKey: number, subscriptionId: string): Promise<void> {
    this.#alerts.dropAlertState(accountKey, subscriptionId)
  }

  async dueAlertChecks(now: number, limit: number): Promise<DueAlertCheck[]> {
    return this.#alerts.dueAlertChecks(now, limit)
  }

  async listAlertEvents(
    accountKey: number,
    subscriptionId: string,
    since: number,
    limit: number,
  ): Promise<AlertEventRecord[]> {
    return this.#alerts.listAlertEvents(accountKey, subscriptionId, since, limit)
  }

  async createWebhook(webhook: Webhook, maxWebhooks: number): Promise<'created' | 'full'> {
    return this.#alerts.createWebhook(webhook, maxWebhooks)
  }

  async listWebhooks(accountKey: number): Promise<Webhook[]> {
    return this.#alerts.listWebhooks(accountKey)
  }

  async deleteWebhook(accountKey: number, id: string): Promise<boolean> {
    return this.#alerts.deleteWebhook(accountKey, id)
  }

  async claimDueDeliveries(
    now: number,
    limit: number,
    leaseMs: number,
  ): Promise<WebhookDelivery[]> {
    return this.#elsewhere(() => this.#alerts.claimDueDeliveries(now, limit, leaseMs))
  }

  async markDeliveryDone(id: string, at: number, status: number): Promise<void> {
    this.#elsewhere(() => this.#alerts.markDeliveryDone(id, at, status))
  }

  async rescheduleDelivery(
    id: string,
    attempts: number,
    nextAttemptAt: number,
    lastError: string,
  ): Promise<void> {
    this.#elsewhere(() => this.#alerts.rescheduleDelivery(id, attempts, nextAttemptAt, lastError))
  }

  async markDeliveryFailed(
    id: string,
    attempts: number,
    at: number,
    lastError: string,
  ): Promise<void> {
    this.#elsewhere(() => this.#alerts.markDeliveryFailed(id, attempts, at, lastError))
  }

  async purgeAlertEvents(before: number): Promise<number> {
    return this.#alerts.purgeAlertEvents(before)
  }

  async purgeWebhookDeliveries(before: number): Promise<number> {
    return this.#alerts.purgeWebhookDeliveries(before)
  }
}
