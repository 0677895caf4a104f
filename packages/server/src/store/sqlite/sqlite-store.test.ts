import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import { runStoreTests } from '../store.case.js'
import { runFollowerStoreTests } from '../follower-store.case.js'
import { SqliteStore } from './sqlite-store.js'
import { sqliteMigrations } from './sqlite-migrations.js'

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

  async function open(): Promise<SqliteStore> {
    const store = new SqliteStore({ path })
    opened.push(store)
    await store.migrate()
    return store
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

    const account = await cli.createAccount({
      id: randomUUID(),
      kind: 'publisher',
      username: 'alice',
      displayName: 'Alice',
      passwordHash: 'hash',
      createdAt: 1,
    })
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
})
