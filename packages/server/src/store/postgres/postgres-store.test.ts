import { randomBytes, randomUUID } from 'node:crypto'
import { Client, escapeIdentifier } from 'pg'
import { describe, it, expect, beforeAll, afterEach } from 'vitest'
import { TcpRelay } from '../../test-tcp-relay.js'
import { runStoreTests } from '../store.case.js'
import { runFollowerStoreTests } from '../follower-store.case.js'
import { DuplicateKeyError, StoreUnavailableError, type NewAccount } from '../store.js'
import { PostgresStore } from './postgres-store.js'
import type { PostgresStoreConfig } from './postgres-store-config.js'
import { postgresMigrations } from './postgres-migrations.js'

// The machine's PostgreSQL (trust auth); each test works in a schema of its own and drops it.
const ADMIN_URL =
  process.env['GLUCOSHARE_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'
const T0 = Date.UTC(2026, 10, 23, 12, 0, 0)

function freshSchema(): string {
  return `glucoshare_test_${randomBytes(6).toString('hex')}`
}

function urlWith(params: Record<string, string>, base = ADMIN_URL): string {
  const url = new URL(base)
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
  return url.toString()
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: ADMIN_URL })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

async function dropSchema(schema: string): Promise<void> {
  await admin((client) => client.query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(schema)} CASCADE`))
}

/** Resolves with the first value `subscribe` hands its callback; rejects after `ms`. */
function firstEvent<T>(subscribe: (callback: (value: T) => void) => void, ms = 10_000) {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no event within ${ms} ms`)), ms)
    subscribe((value) => {
      clearTimeout(timer)
      resolve(value)
    })
  })
}

/** Polls `check` until it answers true, at most `attempts` times, 50 ms apart. */
async function until(check: () => Promise<boolean>, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts; i += 1) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('condition not met')
}

function account(username: string, overrides: Partial<NewAccount> = {}): NewAccount {
  return {
    id: randomUUID(),
    kind: 'publisher',
    username,
    displayName: username,
    passwordHash: 'hash',
    createdAt: T0,
    ...overrides,
  }
}

const openPostgresStore = async () => {
  const schema = freshSchema()
  const store = new PostgresStore({ connectionString: ADMIN_URL, schema })
  return {
    store,
    async cleanup() {
      await store.close()
      await dropSchema(schema)
    },
  }
}

runStoreTests('postgres', openPostgresStore)
runFollowerStoreTests('postgres', openPostgresStore)

describe('PostgresStore', () => {
  const schemas: string[] = []
  const opened: PostgresStore[] = []

  function open(config: Partial<PostgresStoreConfig> & { schema: string }): PostgresStore {
    if (!schemas.includes(config.schema)) schemas.push(config.schema)
    const store = new PostgresStore({ connectionString: ADMIN_URL, ...config })
    opened.push(store)
    return store
  }

  async function openMigrated(config: Partial<PostgresStoreConfig> & { schema: string }) {
    const store = open(config)
    await store.migrate()
    return store
  }

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close()
    for (const schema of schemas.splice(0)) await dropSchema(schema)
  })

  describe('shared by several server processes', () => {
    it("lets two pools on one schema see each other's sessions, lockout counts and readings at once", async () => {
      const schema = freshSchema()
      const first = await openMigrated({ schema })
      const second = await openMigrated({ schema })

      const alice = await first.createAccount(account('alice', { email: 'alice@example.org' }))
      expect(await second.findAccountByLogin('ALICE@example.org')).toEqual(alice)

      const sessionId = randomUUID()
      await first.createSession({
        id: sessionId,
        accountKey: alice.key,
        createdAt: T0,
        expiresAt: T0 + 3_600_000,
      })
      expect(await second.findSession(sessionId)).toEqual({
        id: sessionId,
        accountKey: alice.key,
        accountId: alice.id,
        kind: 'publisher',
        createdAt: T0,
        expiresAt: T0 + 3_600_000,
      })
      await second.endSession(sessionId, T0 + 60_000)
      expect((await first.findSession(sessionId))?.expiresAt).toBe(T0 + 60_000)

      const since = T0 - 900_000
      expect(await first.recordLoginFailure('account:alice', T0, since)).toBe(1)
      expect(await second.recordLoginFailure('account:alice', T0 + 1, since)).toBe(2)
      expect(await first.countLoginFailures('account:alice', since)).toBe(2)
      await second.clearLoginFailures('account:alice')
      expect(await first.countLoginFailures('account:alice', since)).toBe(0)

      const reading = { systemTime: T0, offsetMinutes: -300, value: 120, trend: 4 }
      expect(await first.insertReadings(alice.key, [reading], T0 + 5)).toEqual({
        inserted: 1,
        followed: false,
      })
      expect(await second.readLatest(alice.key, 0, 10)).toEqual([reading])
      expect(await second.insertReadings(alice.key, [reading], T0 + 6)).toEqual({
        inserted: 0,
        followed: false,
      })
      expect((await first.readMonitoring(alice.key)).lastUploadAt).toBe(T0 + 6)
    })

    it('migrates a new schema exactly once when several instances start together', async () => {
      const schema = freshSchema()
      const stores = Array.from({ length: 4 }, () => open({ schema }))
      await Promise.all(stores.map((store) => store.migrate()))

      const rows = await admin(async (client) => {
        const result = await client.query<{ version: number; name: string }>(
          `SELECT version, name FROM ${escapeIdentifier(schema)}.schema_migrations ORDER BY version`,
        )
        return result.rows
      })
      expect(rows).toEqual(postgresMigrations.map((m) => ({ version: m.version, name: m.name })))
      for (const store of stores) expect(await store.listAccounts()).toEqual([])
      await stores[0]!.migrate()
      expect(await stores[1]!.listAccounts()).toEqual([])
    })

    it('counts concurrent failures of one subject one after the other', async () => {
      const schema = freshSchema()
      const first = await openMigrated({ schema })
      const second = await openMigrated({ schema })
      const since = T0 - 900_000
      const counts = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? first : second).recordLoginFailure('login:bob', T0 + i, since),
        ),
      )
      expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
      expect(await first.countLoginFailures('login:bob', since)).toBe(20)
    })

    it('gives a contested serial number to exactly one account', async () => {
      const schema = freshSchema()
      const first = await openMigrated({ schema })
      const second = await openMigrated({ schema })
      const accounts = await Promise.all(
        Array.from({ length: 6 }, (_, i) => first.createAccount(account(`publisher${i}`))),
      )
      for (let round = 0; round < 5; round += 1) {
        const serial = `SM0000000${round}`
        const results = await Promise.all(
          accounts.map((a, i) =>
            (i % 2 === 0 ? first : second).assignReceiver(a.key, serial, randomUUID()),
          ),
        )
        const winners = results.flatMap((r, i) => (r.status === 'assigned' ? [accounts[i]!] : []))
        expect(winners).toHaveLength(1)
        expect(results.filter((r) => r.status === 'taken')).toHaveLength(accounts.length - 1)
        expect(await second.findReceiverOwner(serial)).toBe(winners[0]!.key)
        // An account has one receiver: the winner's assignment replaced any it had before.
        expect((await first.readMonitoring(winners[0]!.key)).receiver?.serialNumber).toBe(serial)
      }
    })
  })

  describe('schema', () => {
    it('works in a quoted schema name and creates the schema when missing', async () => {
      const schema = `Glucoshare Test "${randomBytes(4).toString('hex')}"`
      const store = await openMigrated({ schema })
      const created = await store.createAccount(account('carol'))
      expect(await store.findAccountByKey(created.key)).toEqual(created)
      const tables = await admin(async (client) => {
        const result = await client.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
          [schema],
        )
        return result.rows.map((row) => row.table_name)
      })
      expect(tables).toEqual([
        'account_images',
        'accounts',
        'alert_events',
        'alert_states',
        'contacts',
        'login_failures',
        'readings',
        'receivers',
        'schema_migrations',
        'sessions',
        'webhook_deliveries',
        'webhooks',
      ])
    })

    it("uses the connection's search_path when no schema is configured", async () => {
      const schema = freshSchema()
      schemas.push(schema)
      await admin((client) => client.query(`CREATE SCHEMA ${escapeIdentifier(schema)}`))
      const store = new PostgresStore({
        connectionString: urlWith({ options: `-c search_path=${schema}` }),
      })
      opened.push(store)
      await store.migrate()
      const created = await store.createAccount(account('dave'))
      const count = await admin(async (client) => {
        const result = await client.query<{ n: string }>(
          `SELECT count(*) AS n FROM ${escapeIdentifier(schema)}.accounts WHERE account_key = $1`,
          [created.key],
        )
        return Number(result.rows[0]?.n)
      })
      expect(count).toBe(1)
    })

    it('stores runtime info as JSON on the account row', async () => {
      const schema = freshSchema()
      const store = await openMigrated({ schema })
      const created = await store.createAccount(account('erin'))
      const info = { DeviceManufacturer: 'Apple', DeviceModel: 'iPhone5,2', AppVersion: '3.0.2.11' }
      await store.writeRuntimeInfo(created.key, info)
      const stored = await admin(async (client) => {
        const result = await client.query<{ runtime_info: unknown }>(
          `SELECT runtime_info FROM ${escapeIdentifier(schema)}.accounts WHERE account_key = $1`,
          [created.key],
        )
        return result.rows[0]?.runtime_info
      })
      expect(stored).toEqual(info)
    })

    it('folds only ASCII letters in usernames, as SQLite NOCASE does', async () => {
      const store = await openMigrated({ schema: freshSchema() })
      const upper = await store.createAccount(account('ÉMILE'))
      const lower = await store.createAccount(account('émile'))
      expect((await store.findAccountByLogin('ÉMILE'))?.key).toBe(upper.key)
      expect((await store.findAccountByLogin('émile'))?.key).toBe(lower.key)
      expect((await store.findAccountByLogin('éMILE'))?.key).toBe(lower.key)
      const error: unknown = await store.createAccount(account('ÉMile')).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(DuplicateKeyError)
      expect((error as DuplicateKeyError).field).toBe('username')
    })

    it('reads the newest readings through a backward scan of the primary key that stops at the limit', async () => {
      const schema = freshSchema()
      const store = await openMigrated({ schema })
      const accounts = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.createAccount(account(`plan${i}`))),
      )
      for (const a of accounts) {
        const readings = Array.from({ length: 288 }, (_, i) => ({
          systemTime: T0 - i * 300_000,
          offsetMinutes: 0,
          value: 100 + (i % 50),
          trend: 4,
        }))
        expect(await store.insertReadings(a.key, readings, T0)).toEqual({
          inserted: 288,
          followed: false,
        })
      }
      const plan = await admin(async (client) => {
        await client.query(`SET search_path TO ${escapeIdentifier(schema)}`)
        await client.query('ANALYZE readings')
        await client.query('SET plan_cache_mode = force_generic_plan')
        await client.query(
          `PREPARE latest (bigint, bigint, bigint) AS SELECT system_time, offset_minutes, value, trend
           FROM readings WHERE account_key = $1 AND system_time >= $2 ORDER BY system_time DESC LIMIT $3`,
        )
        const result = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN EXECUTE latest (${accounts[3]!.key}, ${T0 - 86_400_000}, 1)`,
        )
        return result.rows.map((row) => row['QUERY PLAN']).join('\n')
      })
      expect(plan).toMatch(/Index Scan Backward using readings_pkey/)
      expect(plan).not.toMatch(/Sort|Seq Scan|Bitmap/)
      expect(await store.readLatest(accounts[3]!.key, T0 - 86_400_000, 1)).toEqual([
        { systemTime: T0, offsetMinutes: 0, value: 100, trend: 4 },
      ])
    })
  })

  describe('lifecycle', () => {
    it('refuses to work before migrate() and after close(), and closes idempotently', async () => {
      const store = open({ schema: freshSchema() })
      await expect(store.listAccounts()).rejects.toThrow(/migrate/)
      await expect(store.findSession(randomUUID())).rejects.toThrow(/migrate/)
      await store.migrate()
      expect(await store.listAccounts()).toEqual([])
      await Promise.all([store.close(), store.close()])
      await store.close()
      await expect(store.listAccounts()).rejects.toThrow(/closed/)
      await expect(store.readLatest(1, 0, 0)).rejects.toThrow(/closed/)
      await expect(store.migrate()).rejects.toThrow(/closed/)
    })

    it('refuses a session for an account that does not exist', async () => {
      const store = await openMigrated({ schema: freshSchema() })
      await expect(
        store.createSession({
          id: randomUUID(),
          accountKey: 999,
          createdAt: T0,
          expiresAt: T0 + 1,
        }),
      ).rejects.toThrow(/no account/)
    })

    it('answers not found for ids that are not lower-case UUIDs instead of failing', async () => {
      const store = await openMigrated({ schema: freshSchema() })
      const created = await store.createAccount(account('frank'))
      expect(await store.findAccountById('not-a-uuid')).toBeUndefined()
      expect(await store.findAccountById(created.id.toUpperCase())).toBeUndefined()
      expect(await store.findSession('not-a-uuid')).toBeUndefined()
      expect(await store.unassignReceiver(created.key, 'not-a-uuid')).toBe(false)
      await store.endSession('not-a-uuid', T0)
      const id = randomUUID()
      await store.createSession({ id, accountKey: created.key, createdAt: T0, expiresAt: T0 + 9 })
      await store.endAccountSessions(created.key, 'not-a-uuid', T0 + 1)
      expect((await store.findSession(id))?.expiresAt).toBe(T0 + 1)
    })
  })

  describe('losing the connection', () => {
    it('survives its connections being terminated and serves later calls on new ones', async () => {
      const applicationName = `glucoshare_test_${randomBytes(4).toString('hex')}`
      const poolErrors: Error[] = []
      let notify: ((error: Error) => void) | undefined
      const store = open({
        schema: freshSchema(),
        connectionString: urlWith({ application_name: applicationName }),
        onPoolError: (error) => {
          poolErrors.push(error)
          notify?.(error)
        },
      })
      await store.migrate()
      const created = await store.createAccount(account('grace'))

      const reported = firstEvent<Error>((callback) => (notify = callback))
      const terminated = await admin(async (client) => {
        const result = await client.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
          [applicationName],
        )
        return result.rowCount
      })
      expect(terminated).toBeGreaterThanOrEqual(1)
      // The idle connection learns of its end; the pool reports it instead of crashing.
      expect((await reported).message).toMatch(/terminat/)
      expect(await store.findAccountByKey(created.key)).toEqual(created)
      expect(await store.listAccounts()).toEqual([created])
      expect(poolErrors.length).toBeGreaterThanOrEqual(1)
    })

    it('rejects a call whose connection is terminated mid-statement, then recovers', async () => {
      const schema = freshSchema()
      const applicationName = `glucoshare_test_${randomBytes(4).toString('hex')}`
      const store = open({
        schema,
        connectionString: urlWith({ application_name: applicationName }),
      })
      await store.migrate()
      const created = await store.createAccount(account('heidi'))

      const locker = new Client({ connectionString: ADMIN_URL })
      await locker.connect()
      try {
        await locker.query('BEGIN')
        await locker.query(
          `LOCK TABLE ${escapeIdentifier(schema)}.accounts IN ACCESS EXCLUSIVE MODE`,
        )
        const blocked = store.listAccounts().then(
          () => undefined,
          (error: unknown) => error,
        )
        await until(async () => {
          const result = await locker.query(
            `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
            [applicationName],
          )
          return result.rowCount === 1
        })
        await locker.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
          [applicationName],
        )
        const error = await blocked
        expect(error).toBeInstanceOf(StoreUnavailableError)
        expect((error as Error).message).toMatch(/terminat/)
      } finally {
        await locker.query('ROLLBACK')
        await locker.end()
      }
      expect(await store.listAccounts()).toEqual([created])
    })

    it('rejects calls with StoreUnavailableError while PostgreSQL is unreachable and reconnects when it is back', async () => {
      const target = new URL(ADMIN_URL)
      const proxy = new TcpRelay(target.hostname, Number(target.port || 5432))
      const port = await proxy.start()
      try {
        const url = new URL(ADMIN_URL)
        url.hostname = '127.0.0.1'
        url.port = String(port)
        const store = open({
          schema: freshSchema(),
          connectionString: url.toString(),
          connectTimeoutMs: 2000,
          poolSize: 2,
        })
        await store.migrate()
        const created = await store.createAccount(account('ivan'))

        await proxy.stop()
        await expect(store.findAccountByKey(created.key)).rejects.toBeInstanceOf(
          StoreUnavailableError,
        )
        await expect(store.insertReadings(created.key, [], T0)).rejects.toBeInstanceOf(
          StoreUnavailableError,
        )

        await proxy.start(port)
        expect(await store.findAccountByKey(created.key)).toEqual(created)
        const reading = { systemTime: T0, offsetMinutes: 60, value: 99, trend: 3 }
        expect(await store.insertReadings(created.key, [reading], T0)).toEqual({
          inserted: 1,
          followed: false,
        })
        expect(await store.readLatest(created.key, 0, 1)).toEqual([reading])
      } finally {
        await proxy.stop()
      }
    })
  })
})

beforeAll(async () => {
  // Fails fast, with the address, when the test database is not running.
  await admin((client) => client.query('SELECT 1'))
})
