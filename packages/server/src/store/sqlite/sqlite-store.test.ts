import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import type { Account } from '../store.js'
import { runStoreTests } from '../store.case.js'
import { runFollowerStoreTests } from '../follower-store.case.js'
import { SqliteStore } from './sqlite-store.js'
import { sqliteMigrations } from './sqlite-migrations.js'
import { egvArrayJson } from '../../share/egv-json.js'

const openSqliteStore = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'glucoshare-store-'))
  const store = new SqliteStore({ path: join(dir, 'glucoshare.db') })
  return {
    store,
    async cleanup() {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

runStoreTests('sqlite', openSqliteStore)
runFollowerStoreTests('sqlite', openSqliteStore)

describe('SqliteStore on a shared file', () => {
  let dir: string
  let path: string
  const opened: SqliteStore[] = []

  async function open(cacheEntries?: number): Promise<SqliteStore> {
    const store = new SqliteStore({ path, ...(cacheEntries === undefined ? {} : { cacheEntries }) })
    opened.push(store)
    await store.migrate()
    return store
  }

  /** Creates the publisher alice. */
  function createAlice(store: SqliteStore): Promise<Account> {
    return store.createAccount({
      id: randomUUID(),
      kind: 'publisher',
      username: 'alice',
      displayName: 'Alice',
      passwordHash: 'hash',
      createdAt: 1,
    })
  }

  /** The publisher alice and a session of hers. */
  async function aliceWithSession(store: SqliteStore): Promise<{ account: Account; id: string }> {
    const account = await createAlice(store)
    const id = randomUUID()
    await store.createSession({ id, accountKey: account.key, createdAt: 1, expiresAt: 2 })
    return { account, id }
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'glucoshare-store-'))
    // A folder that does not exist yet: the store creates it.
    path = join(dir, 'nested', 'glucoshare.db')
  })

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it("lets two connections (as the CLI and the server) see each other's writes", async () => {
    const server = await open()
    const cli = await open()

    const account = await createAlice(cli)
    expect(await server.findAccountByLogin('ALICE')).toEqual(account)

    const reading = { systemTime: 1_700_000_000_000, offsetMinutes: -300, value: 120, trend: 4 }
    expect(await server.insertReadings(account.key, [reading], 2)).toEqual({
      inserted: 1,
      followed: false,
    })
    expect(await cli.readLatest(account.key, 0, 10)).toEqual([reading])
    expect(await cli.insertReadings(account.key, [reading], 3)).toEqual({
      inserted: 0,
      followed: false,
    })

    await cli.updateAccount(account.key, { displayName: 'Alice B.' })
    expect((await server.findAccountByKey(account.key))?.displayName).toBe('Alice B.')
    expect((await server.listAccounts()).map((a) => a.username)).toEqual(['alice'])
  })

  it('records each migration once, however often it migrates', async () => {
    const first = await open()
    await first.migrate()
    await open()

    const db = new Database(path, { readonly: true })
    try {
      const rows = db
        .prepare('SELECT version, name FROM schema_migrations ORDER BY version')
        .all() as { version: number; name: string }[]
      expect(rows).toEqual(sqliteMigrations.map((m) => ({ version: m.version, name: m.name })))
      expect(rows[0]).toEqual({ version: 1, name: sqliteMigrations[0]?.name })
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    } finally {
      db.close()
    }
  })

  it('stores runtime info as JSON on the account row', async () => {
    const store = await open()
    const account = await store.createAccount({
      id: randomUUID(),
      kind: 'publisher',
      username: 'bob',
      displayName: 'Bob',
      passwordHash: 'hash',
      createdAt: 1,
    })
    const info = { DeviceManufacturer: 'Apple', DeviceModel: 'iPhone5,2', AppVersion: '3.0.2.11' }
    await store.writeRuntimeInfo(account.key, info)

    const db = new Database(path, { readonly: true })
    try {
      const row = db
        .prepare('SELECT runtime_info FROM accounts WHERE account_key = ?')
        .get(account.key) as { runtime_info: string }
      expect(JSON.parse(row.runtime_info)).toEqual(info)
    } finally {
      db.close()
    }
  })

  it('refuses to work before migrate() and after close()', async () => {
    const store = new SqliteStore({ path })
    opened.push(store)
    await expect(store.listAccounts()).rejects.toThrow(/migrate/)
    await store.migrate()
    await store.close()
    await store.close()
    await expect(store.listAccounts()).rejects.toThrow(/closed/)
  })

  it('fails the reads and uploads waiting for their shared transaction when it closes', async () => {
    const store = await open()
    const { account, id } = await aliceWithSession(store)
    // Started in this turn of the event loop, run in its check phase: after close() below.
    const reads = Promise.allSettled([
      store.readMonitoringBySession(id),
      store.readEgvJsonBySession(id, 0, 1, false),
      store.readEgvJsonBySession(id, 0, 288, true),
    ])
    await store.close()
    for (const outcome of await reads) expect(outcome.status).toBe('rejected')

    const again = await open()
    const reading = { systemTime: 1_700_000_000_000, offsetMinutes: 0, value: 120, trend: 4 }
    const upload = expect(again.insertReadings(account.key, [reading], 3)).rejects.toThrow(/closed/)
    await again.close()
    await upload
  })

  it('answers reads of one turn from one snapshot, each as alone', async () => {
    const server = await open()
    const cli = await open()
    const { account, id } = await aliceWithSession(cli)
    const reading = { systemTime: 1_700_000_000_000, offsetMinutes: 0, value: 120, trend: 4 }
    await cli.insertReadings(account.key, [reading], 3)
    const [monitoring, latest, day] = await Promise.all([
      server.readMonitoringBySession(id),
      server.readEgvJsonBySession(id, 0, 1, false),
      server.readEgvJsonBySession(id, 0, 288, false),
    ])
    expect(monitoring?.monitoring.lastUploadAt).toBe(3)
    expect(latest).toEqual(day)
    expect(latest?.json).toContain('"Value":120')
    // A write by another connection after that turn is seen by the next one.
    await cli.insertReadings(account.key, [{ ...reading, systemTime: reading.systemTime + 1 }], 4)
    expect((await server.readMonitoringBySession(id))?.monitoring.lastUploadAt).toBe(4)
  })

  describe('the cache of the newest readings', () => {
    const at = (minute: number, value: number) => ({
      systemTime: 1_700_000_000_000 + minute * 60_000,
      offsetMinutes: -300,
      value,
      trend: 4,
    })
    const newest = async (store: SqliteStore, id: string) =>
      (await store.readEgvJsonBySession(id, 0, 1, false))?.json

    it("answers what the file holds after this store's and other connections' writes", async () => {
      const server = await open()
      const cli = await open()
      const { account, id } = await aliceWithSession(server)
      expect(await newest(server, id)).toBe('[]')

      await server.insertReadings(account.key, [at(0, 120)], 3)
      expect(await newest(server, id)).toBe(egvArrayJson([at(0, 120)], false))
      await cli.insertReadings(account.key, [at(1, 121)], 4)
      expect(await newest(server, id)).toBe(egvArrayJson([at(1, 121)], false))
      // An older reading arriving late is stored, but the newest stays the newest.
      await server.insertReadings(account.key, [at(-5, 90)], 5)
      expect(await newest(server, id)).toBe(egvArrayJson([at(1, 121)], false))

      await server.endSession(id, 1)
      expect((await server.readEgvJsonBySession(id, 0, 1, false))?.session.expiresAt).toBe(1)
      await cli.purgeSessions(2)
      expect(await server.readEgvJsonBySession(id, 0, 1, false)).toBeUndefined()
    })

    it('keeps what it holds through writes that change none of it, and only those', async () => {
      const store = await open()
      const { account, id } = await aliceWithSession(store)
      await store.insertReadings(account.key, [at(0, 120)], 3)
      const session = async () => (await store.readEgvJsonBySession(id, 0, 1, false))?.session
      const first = await session()
      // The same object: answered from memory.
      expect(await session()).toBe(first)

      await store.createSession({
        id: randomUUID(),
        accountKey: account.key,
        createdAt: 1,
        expiresAt: 2,
      })
      await store.recordLoginFailure('alice', 5, 0)
      await store.clearLoginFailures('alice')
      await store.writeRuntimeInfo(account.key, { app: 'test' })
      await store.dueAlertChecks(5, 10)
      await store.claimDueDeliveries(5, 10, 1_000)
      expect(await session()).toBe(first)

      // Any other write of this connection empties it; the answer is the same, read again.
      await store.updateAccount(account.key, { displayName: 'Alice B.' })
      const again = await session()
      expect(again).not.toBe(first)
      expect(again).toEqual(first)
    })

    it('applies the window and the count to the cached reading, in both forms', async () => {
      const store = await open()
      const { account, id } = await aliceWithSession(store)
      await store.insertReadings(account.key, [at(0, 120)], 3)
      const reading = at(0, 120)
      expect(await newest(store, id)).toBe(egvArrayJson([reading], false))
      const read = (since: number, count: number, legacy: boolean) =>
        store.readEgvJsonBySession(id, since, count, legacy).then((found) => found?.json)
      expect(await read(reading.systemTime, 1, true)).toBe(egvArrayJson([reading], true))
      expect(await read(reading.systemTime + 1, 1, false)).toBe('[]')
      expect(await read(0, 0, false)).toBe('[]')
      expect(await read(0, 1, false)).toBe(egvArrayJson([reading], false))
    })

    it('answers the same with room for one entry and with none', async () => {
      for (const cacheEntries of [0, 1]) {
        const store = await open(cacheEntries)
        const alice = await aliceWithSession(store)
        const bob = await store.createAccount({
          id: randomUUID(),
          kind: 'publisher',
          username: `bob${cacheEntries}`,
          displayName: 'Bob',
          passwordHash: 'hash',
          createdAt: 1,
        })
        const bobSession = randomUUID()
        await store.createSession({
          id: bobSession,
          accountKey: bob.key,
          createdAt: 1,
          expiresAt: 2,
        })
        for (let minute = 0; minute < 3; minute++) {
          await store.insertReadings(alice.account.key, [at(minute, 100 + minute)], 3)
          await store.insertReadings(bob.key, [at(minute, 200 + minute)], 3)
          const [forAlice, forBob] = await Promise.all([
            newest(store, alice.id),
            newest(store, bobSession),
          ])
          expect(forAlice).toBe(egvArrayJson([at(minute, 100 + minute)], false))
          expect(forBob).toBe(egvArrayJson([at(minute, 200 + minute)], false))
        }
        await store.close()
        rmSync(path, { force: true })
      }
    })
  })
})
