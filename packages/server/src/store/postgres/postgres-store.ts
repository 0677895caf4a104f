import { createHash } from 'node:crypto'
import type DataLoader from 'dataloader'
import {
  DatabaseError,
  escapeIdentifier,
  Pool,
  TypeOverrides,
  type PoolClient,
  type QueryResult,
  type QueryResultRow,
} from 'pg'
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
  type SessionReadings,
  type Store,
  StoreUnavailableError,
} from '../store.js'
import {
  contactValues,
  toAccount,
  toContact,
  toMonitoring,
  toReading,
  toSession,
  type AccountRow,
  type ContactRow,
  type ReadingRow,
  type SessionRow,
} from '../store-rows.js'
import { postgresContactStatements } from './postgres-contact-statements.js'
import { PostgresAlerts } from './postgres-alerts.js'
import {
  latestManyStatement,
  latestOneStatement,
  readLatestBySession,
  readMonitoringBySession,
  sessionMonitoringStatement,
  type LatestBySessionStatements,
  type PostgresRun,
} from './postgres-by-session.js'
import {
  latestOneBatchStatement,
  readLatestOneBatch,
  readMonitoringBatch,
  sessionMonitoringBatchStatement,
  type LatestOneKey,
} from './postgres-by-session-batch.js'
import {
  distinctAccountRuns,
  insertReadingsBatch,
  insertReadingsBatchStatement,
} from './postgres-insert-batch.js'
import { PostgresLiveBus } from './postgres-live-bus.js'
import { allOrEach, coalescer } from '../coalescer.js'
import type { LiveBus } from '../../alerting/live-bus.js'
import { egvArrayJson } from '../../share/egv-json.js'
import type {
  AcceptInvitationResult,
  AlertEventRecord,
  AlertTransition,
  DueAlertCheck,
  Webhook,
  WebhookDelivery,
} from '../alert-records.js'
import type { PostgresStoreConfig } from './postgres-store-config.js'
import { postgresMigrations } from './postgres-migrations.js'
import {
  postgresStatements,
  type PostgresStatement,
  type PostgresStatements,
} from './postgres-statements.js'

// The SQLite store compares ids as text; only this exact form can match a stored id there.
/** The NOTIFY channel of a schema; channel names, like identifiers, stop at 63 bytes. */
function liveChannel(schema: string | undefined): string {
  if (schema === undefined) return 'glucoshare_live'
  const channel = `glucoshare_live:${schema}`
  return Buffer.byteLength(channel) <= 63
    ? channel
    : `glucoshare_live:${createHash('sha256').update(schema).digest('hex').slice(0, 32)}`
}

// Keys per coalesced statement: bounds its arrays, and the wait of the calls at the end of a batch.
const MAX_BATCH = 16

const STORED_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

// Arbitrary first half of the migration advisory lock key; the second half is the schema's hash.
const MIGRATION_LOCK = 0x67_6c_75_63 // 'gluc'

// Unique index → the field DuplicateKeyError names (the SQLite store names the column).
const UNIQUE_FIELDS: Readonly<Record<string, string>> = {
  accounts_username_key: 'username',
  accounts_email_key: 'email',
  accounts_phone_key: 'phone',
  accounts_account_id_key: 'account_id',
}

/** `bigint` columns (keys, epoch ms, counts) as numbers: all stay far below 2^53. */
function parseBigint(text: string): number {
  const value = Number(text)
  if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} exceeds 2^53`)
  return value
}

function isUniqueViolation(error: unknown, constraint?: string): error is DatabaseError {
  return (
    error instanceof DatabaseError &&
    error.code === '23505' &&
    (constraint === undefined || error.constraint === constraint)
  )
}

function asDuplicateKey(error: unknown): unknown {
  if (!isUniqueViolation(error)) return error
  return new DuplicateKeyError(UNIQUE_FIELDS[error.constraint ?? ''] ?? 'value')
}

// Errors about the statement (bad data, constraints, conflicts, SQL) leave the connection usable;
// anything else (socket errors, termination, shutdown) may not, so the pool drops that connection.
function connectionMayBeBroken(error: unknown): boolean {
  return !(error instanceof DatabaseError && /^(22|23|40|42)/.test(error.code ?? ''))
}

// The same failures, as the caller sees them: the database cannot serve now (refused, terminated,
// timed out, shutting down, out of connections) and the call may work later. A TypeError or
// RangeError is a bug or bad data on this side, not an outage.
function asUnavailable(error: unknown): unknown {
  if (!(error instanceof Error) || !connectionMayBeBroken(error)) return error
  if (error instanceof TypeError || error instanceof RangeError) return error
  return new StoreUnavailableError(error.message, { cause: error })
}

/**
The store for several server processes sharing one PostgreSQL database, through a `pg` pool.
Every call is one statement (so one transaction) on a named prepared statement. A lost
connection makes the calls using it reject with {@link StoreUnavailableError}; the pool discards
it and reconnects on the next call, so the store recovers by itself when PostgreSQL is back.
*/
export class PostgresStore implements Store {
  readonly #pool: Pool
  readonly #schema: string | undefined
  readonly #config: PostgresStoreConfig
  readonly #statements: PostgresStatements
  readonly #contactStatements: ReturnType<typeof postgresContactStatements>
  readonly #alerts: PostgresAlerts
  readonly #sessionReads: LatestBySessionStatements
  readonly #sessionMonitoring: PostgresStatement
  // Calls of one event-loop turn share a statement (coalescer.ts): under load, one round trip and
  // one backend wake-up serve many requests, and one commit many uploads (BENCHMARKS.md).
  readonly #latestOne: DataLoader<LatestOneKey, SessionReadings | undefined>
  readonly #monitoringBySession: DataLoader<string, SessionMonitoring | undefined>
  readonly #uploads: DataLoader<ReadingsUpload, InsertedReadings>
  // #run as a plain function, for the modules that run this store's statements.
  readonly #runStatement: PostgresRun = (statement, values) => this.#run(statement, values)
  #migrated = false
  #closing: Promise<void> | undefined

  constructor(config: PostgresStoreConfig) {
    this.#config = config
    this.#schema = config.schema
    const prefix = config.schema === undefined ? '' : `${escapeIdentifier(config.schema)}.`
    this.#statements = postgresStatements(prefix)
    this.#contactStatements = postgresContactStatements(prefix)
    this.#sessionReads = { one: latestOneStatement(prefix), many: latestManyStatement(prefix) }
    this.#sessionMonitoring = sessionMonitoringStatement(prefix)
    const latestOneBatch = latestOneBatchStatement(prefix)
    this.#latestOne = coalescer(async (keys) => {
      // No per-call fallback: the inputs are checked (UUIDs, integer times), so a statement
      // error here is one every call of the batch would meet alone.
      if (keys.length > 1) return readLatestOneBatch(this.#runStatement, latestOneBatch, keys)
      const { sessionId, since } = keys[0]!
      return [
        await readLatestBySession(this.#runStatement, this.#sessionReads, sessionId, since, 1),
      ]
    }, MAX_BATCH)
    const monitoringBatch = sessionMonitoringBatchStatement(prefix)
    this.#monitoringBySession = coalescer(async (ids) => {
      if (ids.length > 1) return readMonitoringBatch(this.#runStatement, monitoringBatch, ids)
      return [await readMonitoringBySession(this.#runStatement, this.#sessionMonitoring, ids[0]!)]
    }, MAX_BATCH)
    const insertBatch = insertReadingsBatchStatement(prefix)
    this.#uploads = coalescer(async (uploads) => {
      const answers = new Array<InsertedReadings | Error>(uploads.length)
      // One statement per run of distinct accounts, in arrival order; each run commits or fails
      // (and falls back to one statement per upload) on its own.
      for (const run of distinctAccountRuns(uploads)) {
        const results = await allOrEach(
          run.map(({ upload }) => upload),
          (all) => insertReadingsBatch(this.#runStatement, insertBatch, all),
          (one) => this.#insertOne(one),
          connectionMayBeBroken,
        )
        run.forEach(({ index }, i) => (answers[index] = results[i]!))
      }
      return answers
    }, MAX_BATCH)
    this.#alerts = new PostgresAlerts(prefix, {
      run: this.#runStatement,
      transaction: (work) => {
        this.#ensureReady()
        return this.#transaction(work)
      },
    })
    const types = new TypeOverrides()
    types.setTypeParser(20, 'text', parseBigint) // int8
    this.#pool = new Pool({
      connectionString: config.connectionString,
      max: config.poolSize ?? 10,
      connectionTimeoutMillis: config.connectTimeoutMs ?? 5000,
      idleTimeoutMillis: config.idleTimeoutMs ?? 10_000,
      query_timeout: config.queryTimeoutMs ?? 30_000,
      keepAlive: true,
      application_name: 'glucoshare',
      types,
    })
    // Without a listener, an idle connection's error (PostgreSQL restarted) would crash the process.
    const onPoolError = config.onPoolError
    this.#pool.on('error', (error) => onPoolError?.(error))
  }

  /** A LISTEN/NOTIFY bus on this database, its channel named after the schema. */
  createLiveBus(): LiveBus {
    return new PostgresLiveBus({
      connectionString: this.#config.connectionString,
      channel: liveChannel(this.#schema),
      ...(this.#config.onPoolError ? { onError: this.#config.onPoolError } : {}),
    })
  }

  async migrate(): Promise<void> {
    this.#ensureOpen()
    await this.#transaction(async (client) => {
      // Serialises every instance migrating this schema; the lock ends with the transaction.
      await client.query(
        'SELECT pg_advisory_xact_lock($1, hashtext(coalesce($2::text, current_schema()::text)))',
        [MIGRATION_LOCK, this.#schema ?? null],
      )
      if (this.#schema !== undefined) {
        const schema = escapeIdentifier(this.#schema)
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
        await client.query(`SET LOCAL search_path TO ${schema}`)
      }
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)',
      )
      const applied = await client.query<{ version: number }>(
        'SELECT version FROM schema_migrations',
      )
      const versions = new Set(applied.rows.map((row) => row.version))
      for (const migration of postgresMigrations) {
        if (versions.has(migration.version)) continue
        await client.query(migration.sql)
        await client.query(
          'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
          [migration.version, migration.name, Date.now()],
        )
      }
    })
    this.#migrated = true
  }

  async close(): Promise<void> {
    this.#closing ??= this.#pool.end()
    await this.#closing
  }

  #ensureOpen(): void {
    if (this.#closing) throw new Error('the store is closed')
  }

  #ensureReady(): void {
    this.#ensureOpen()
    if (!this.#migrated) throw new Error('call migrate() before using the store')
  }

  /** Runs one named statement on a pooled connection. */
  async #run<R extends QueryResultRow>(
    statement: PostgresStatement,
    values: unknown[],
  ): Promise<QueryResult<R>> {
    this.#ensureReady()
    return this.#withClient((client) =>
      client.query<R>({ name: statement.name, text: statement.text, values }),
    )
  }

  async #transaction(work: (client: PoolClient) => Promise<void>): Promise<void> {
    await this.#withClient(async (client) => {
      await client.query('BEGIN')
      try {
        await work(client)
        await client.query('COMMIT')
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined)
        throw error
      }
    })
  }

  async #withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    // Refused, timed out (connectTimeoutMs) or turned away: PostgreSQL cannot serve this call.
    const client = await this.#pool.connect().catch((error: unknown) => {
      throw asUnavailable(error)
    })
    // A checked-out connection has no pool listener: its socket error would otherwise crash.
    let broken: Error | undefined
    const onError = (error: Error) => {
      broken = error
    }
    client.on('error', onError)
    try {
      return await work(client)
    } catch (error) {
      if (connectionMayBeBroken(error)) broken ??= error as Error
      throw asUnavailable(error)
    } finally {
      client.removeListener('error', onError)
      client.release(broken)
    }
  }

  async createAccount(account: NewAccount): Promise<Account> {
    try {
      const result = await this.#run<{ account_key: number }>(this.#statements.insertAccount, [
        account.id,
        account.kind,
        account.username,
        account.email ?? null,
        account.phone ?? null,
        account.displayName,
        account.passwordHash,
        account.createdAt,
      ])
      return {
        key: result.rows[0]!.account_key,
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
      throw asDuplicateKey(error)
    }
  }

  async findAccountByLogin(login: string): Promise<Account | undefined> {
    const { rows } = await this.#run<AccountRow>(this.#statements.accountByLogin, [login])
    return rows[0] && toAccount(rows[0])
  }

  async findAccountById(id: string): Promise<Account | undefined> {
    this.#ensureReady()
    if (!STORED_UUID.test(id)) return undefined
    const { rows } = await this.#run<AccountRow>(this.#statements.accountById, [id])
    return rows[0] && toAccount(rows[0])
  }

  async findAccountByKey(key: number): Promise<Account | undefined> {
    const { rows } = await this.#run<AccountRow>(this.#statements.accountByKey, [key])
    return rows[0] && toAccount(rows[0])
  }

  async listAccounts(): Promise<Account[]> {
    const { rows } = await this.#run<AccountRow>(this.#statements.listAccounts, [])
    return rows.map(toAccount)
  }

  async updateAccount(key: number, patch: AccountPatch): Promise<void> {
    const columns = { displayName: 'display_name', email: 'email', passwordHash: 'password_hash' }
    const sets: string[] = []
    const values: unknown[] = [key]
    for (const [field, column] of Object.entries(columns)) {
      const value = patch[field as keyof AccountPatch]
      if (value === undefined) continue
      values.push(value)
      sets.push(`${column} = $${values.length}`)
    }
    if (sets.length === 0) return
    const names = sets.map((set) => set.split(' ')[0]).join('_')
    const table =
      this.#schema === undefined ? 'accounts' : `${escapeIdentifier(this.#schema)}.accounts`
    try {
      await this.#run(
        {
          name: `glucoshare_update_account_${names}`,
          text: `UPDATE ${table} SET ${sets.join(', ')} WHERE account_key = $1`,
        },
        values,
      )
    } catch (error) {
      throw asDuplicateKey(error)
    }
  }

  async readAccountImage(key: number) {
    const { rows } = await this.#run<{ data: Buffer; content_type: string }>(
      this.#statements.readImage,
      [key],
    )
    const row = rows[0]
    return row && { data: new Uint8Array(row.data), contentType: row.content_type }
  }

  async writeAccountImage(key: number, data: Uint8Array, contentType: string): Promise<void> {
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    await this.#run(this.#statements.writeImage, [key, contentType, bytes])
  }

  async writeRuntimeInfo(key: number, info: Record<string, unknown>): Promise<void> {
    await this.#run(this.#statements.writeRuntimeInfo, [key, JSON.stringify(info)])
  }

  async recordLoginFailure(subject: string, at: number, since: number): Promise<number> {
    const { rows } = await this.#run<{ failures: number }>(this.#statements.recordFailure, [
      subject,
      at,
      since,
    ])
    return rows[0]?.failures ?? 0
  }

  async countLoginFailures(subject: string, since: number): Promise<number> {
    const { rows } = await this.#run<{ failures: number }>(this.#statements.countFailures, [
      subject,
      since,
    ])
    return rows[0]?.failures ?? 0
  }

  async clearLoginFailures(subject: string): Promise<void> {
    await this.#run(this.#statements.clearFailures, [subject])
  }

  async createSession(session: Omit<Session, 'accountId' | 'kind'>): Promise<void> {
    const result = await this.#run(this.#statements.insertSession, [
      session.id,
      session.accountKey,
      session.createdAt,
      session.expiresAt,
    ])
    // The SQLite store's foreign key refuses such a session too.
    if (result.rowCount === 0) throw new Error(`no account has key ${session.accountKey}`)
  }

  async findSession(id: string): Promise<Session | undefined> {
    this.#ensureReady()
    if (!STORED_UUID.test(id)) return undefined
    const { rows } = await this.#run<SessionRow>(this.#statements.findSession, [id])
    return rows[0] && toSession(id, rows[0])
  }

  async endSession(id: string, at: number): Promise<void> {
    this.#ensureReady()
    if (!STORED_UUID.test(id)) return
    await this.#run(this.#statements.endSession, [id, at])
  }

  async endAccountSessions(accountKey: number, keepId: string, at: number): Promise<void> {
    const keep = STORED_UUID.test(keepId) ? keepId : null
    await this.#run(this.#statements.endAccountSessions, [accountKey, keep, at])
  }

  async purgeSessions(before: number): Promise<number> {
    return (await this.#run(this.#statements.purgeSessions, [before])).rowCount ?? 0
  }

  async readMonitoring(accountKey: number): Promise<Monitoring> {
    const { rows } = await this.#run<{
      monitoring_active: boolean
      last_upload_at: number | null
      receiver_id: string | null
      serial_number: string | null
    }>(this.#statements.readMonitoring, [accountKey])
    const row = rows[0]
    return toMonitoring(row?.monitoring_active === true, row)
  }

  async readMonitoringBySession(sessionId: string): Promise<SessionMonitoring | undefined> {
    this.#ensureReady()
    if (!STORED_UUID.test(sessionId)) return undefined
    return this.#monitoringBySession.load(sessionId)
  }

  async setMonitoringActive(accountKey: number, active: boolean): Promise<void> {
    await this.#run(this.#statements.setMonitoring, [accountKey, active])
  }

  async findReceiverOwner(serialNumber: string): Promise<number | undefined> {
    const { rows } = await this.#run<{ account_key: number }>(this.#statements.receiverOwner, [
      serialNumber,
    ])
    return rows[0]?.account_key
  }

  async assignReceiver(
    accountKey: number,
    serialNumber: string,
    receiverId: string,
  ): Promise<AssignResult> {
    try {
      const result = await this.#run(this.#statements.assignReceiver, [
        accountKey,
        receiverId,
        serialNumber,
        Date.now(),
      ])
      return result.rowCount === 0 ? { status: 'taken' } : { status: 'assigned', receiverId }
    } catch (error) {
      if (isUniqueViolation(error, 'receivers_serial_number_key')) return { status: 'taken' }
      throw error
    }
  }

  async unassignReceiver(accountKey: number, receiverId: string): Promise<boolean> {
    this.#ensureReady()
    if (!STORED_UUID.test(receiverId)) return false
    const result = await this.#run(this.#statements.unassignReceiver, [accountKey, receiverId])
    return (result.rowCount ?? 0) > 0
  }

  async insertReadings(
    accountKey: number,
    readings: readonly Reading[],
    receivedAt: number,
  ): Promise<InsertedReadings> {
    this.#ensureReady()
    return this.#uploads.load({ accountKey, readings, receivedAt })
  }

  async #insertOne({
    accountKey,
    readings,
    receivedAt,
  }: ReadingsUpload): Promise<InsertedReadings> {
    const { rows } = await this.#run<InsertedReadings>(this.#statements.insertReadings, [
      accountKey,
      readings.map((r) => r.systemTime),
      readings.map((r) => r.value),
      readings.map((r) => r.offsetMinutes),
      readings.map((r) => r.trend),
      receivedAt,
    ])
    const row = rows[0]
    return { inserted: row?.inserted ?? 0, followed: row?.followed === true }
  }

  async readLatest(accountKey: number, since: number, limit: number): Promise<Reading[]> {
    this.#ensureReady()
    if (limit <= 0) return []
    const { rows } = await this.#run<ReadingRow>(this.#statements.readLatest, [
      accountKey,
      since,
      Math.trunc(limit),
    ])
    return rows.map(toReading)
  }

  async readEgvJson(
    accountKey: number,
    since: number,
    limit: number,
    legacy: boolean,
  ): Promise<string> {
    return egvArrayJson(await this.readLatest(accountKey, since, limit), legacy)
  }

  async readEgvJsonBySession(
    sessionId: string,
    since: number,
    limit: number,
    legacy: boolean,
  ): Promise<SessionEgvJson | undefined> {
    this.#ensureReady()
    if (!STORED_UUID.test(sessionId)) return undefined
    const found =
      Math.trunc(limit) === 1
        ? await this.#latestOne.load({ sessionId, since })
        : await readLatestBySession(this.#runStatement, this.#sessionReads, sessionId, since, limit)
    // Rendered in node. Rendering in SQL, as the SQLite store does, is not tried on PostgreSQL yet.
    return found && { session: found.session, json: egvArrayJson(found.readings, legacy) }
  }

  async createContact(contact: NewContact, maxContacts: number): Promise<'created' | 'full'> {
    this.#ensureReady()
    const sql = this.#contactStatements
    let outcome: 'created' | 'full' = 'full'
    try {
      await this.#transaction(async (client) => {
        await client.query({ ...sql.lockAccount, values: [contact.accountKey] })
        const { rows } = await client.query<{ live: number }>({
          ...sql.countLive,
          values: [contact.accountKey],
        })
        if ((rows[0]?.live ?? 0) >= maxContacts) return
        await client.query({
          ...sql.insert,
          values: [contact.accountKey, contact.id, contact.name, contact.email, contact.createdAt],
        })
        outcome = 'created'
      })
    } catch (error) {
      if (isUniqueViolation(error, 'contacts_live_name'))
        throw new DuplicateKeyError('contact_name')
      throw error
    }
    return outcome
  }

  async listContacts(accountKey: number): Promise<Contact[]> {
    const { rows } = await this.#run<ContactRow>(this.#contactStatements.list, [accountKey])
    return rows.map(toContact)
  }

  async findContact(accountKey: number, contactId: string): Promise<Contact | undefined> {
    this.#ensureReady()
    if (!STORED_UUID.test(contactId)) return undefined
    const { rows } = await this.#run<ContactRow>(this.#contactStatements.byId, [
      accountKey,
      contactId,
    ])
    return rows[0] && toContact(rows[0])
  }

  async findContactBySubscription(
    accountKey: number,
    subscriptionId: string,
  ): Promise<Contact | undefined> {
    this.#ensureReady()
    if (!STORED_UUID.test(subscriptionId)) return undefined
    const { rows } = await this.#run<ContactRow>(this.#contactStatements.bySubscription, [
      accountKey,
      subscriptionId,
    ])
    return rows[0] && toContact(rows[0])
  }

  async saveContact(contact: Contact): Promise<boolean> {
    try {
      const result = await this.#run(this.#contactStatements.save, [
        ...contactValues(contact),
        contact.accountKey,
        contact.id,
        contact.version,
      ])
      return (result.rowCount ?? 0) > 0
    } catch (error) {
      if (isUniqueViolation(error, 'contacts_live_name'))
        throw new DuplicateKeyError('contact_name')
      throw error
    }
  }

  acceptInvitation(
    invitationId: string,
    subscriberId: string,
    at: number,
  ): Promise<AcceptInvitationResult> {
    return this.#alerts.acceptInvitation(invitationId, subscriberId, at)
  }

  async saveFollowerAlertSettings(
    accountKey: number,
    subscriptionId: string,
    settings: string,
  ): Promise<boolean> {
    this.#ensureReady()
    if (!STORED_UUID.test(subscriptionId)) return false
    const result = await this.#run(this.#contactStatements.saveFollowerSettings, [
      settings,
      accountKey,
      subscriptionId,
    ])
    return (result.rowCount ?? 0) > 0
  }

  listFollowerSubscriptions(subscriberId: string): Promise<Contact[]> {
    return this.#alerts.listFollowerSubscriptions(subscriberId)
  }

  findFollowerSubscription(
    subscriberId: string,
    subscriptionId: string,
  ): Promise<Contact | undefined> {
    return this.#alerts.findFollowerSubscription(subscriberId, subscriptionId)
  }

  transitionAlerts(
    accountKey: number,
    subscriptionId: string,
    step: (state: string | undefined) => AlertTransition | undefined,
  ): Promise<AlertEventRecord[]> {
    return this.#alerts.transitionAlerts(accountKey, subscriptionId, step)
  }

  readAlertState(accountKey: number, subscriptionId: string): Promise<string | undefined> {
    return this.#alerts.readAlertState(accountKey, subscriptionId)
  }

  dropAlertState(accountKey: number, subscriptionId: string): Promise<void> {
    return this.#alerts.dropAlertState(accountKey, subscriptionId)
  }

  dueAlertChecks(now: number, limit: number): Promise<DueAlertCheck[]> {
    return this.#alerts.dueAlertChecks(now, limit)
  }

  listAlertEvents(
    accountKey: number,
    subscriptionId: string,
    since: number,
    limit: number,
  ): Promise<AlertEventRecord[]> {
    return this.#alerts.listAlertEvents(accountKey, subscriptionId, since, limit)
  }

  createWebhook(webhook: Webhook, maxWebhooks: number): Promise<'created' | 'full'> {
    return this.#alerts.createWebhook(webhook, maxWebhooks)
  }

  listWebhooks(accountKey: number): Promise<Webhook[]> {
    return this.#alerts.listWebhooks(accountKey)
  }

  deleteWebhook(accountKey: number, id: string): Promise<boolean> {
    return this.#alerts.deleteWebhook(accountKey, id)
  }

  claimDueDeliveries(now: number, limit: number, leaseMs: number): Promise<WebhookDelivery[]> {
    return this.#alerts.claimDueDeliveries(now, limit, leaseMs)
  }

  markDeliveryDone(id: string, at: number, status: number): Promise<void> {
    return this.#alerts.markDeliveryDone(id, at, status)
  }

  rescheduleDelivery(
    id: string,
    attempts: number,
    nextAttemptAt: number,
    lastError: string,
  ): Promise<void> {
    return this.#alerts.rescheduleDelivery(id, attempts, nextAttemptAt, lastError)
  }

  markDeliveryFailed(id: string, attempts: number, at: number, lastError: string): Promise<void> {
    return this.#alerts.markDeliveryFailed(id, attempts, at, lastError)
  }

  purgeAlertEvents(before: number): Promise<number> {
    return this.#alerts.purgeAlertEvents(before)
  }

  purgeWebhookDeliveries(before: number): Promise<number> {
    return this.#alerts.purgeWebhookDeliveries(before)
  }
}
