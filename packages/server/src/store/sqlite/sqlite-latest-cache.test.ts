import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Reading, Session } from '../store.js'
import { SqliteLatestCache } from './sqlite-latest-cache.js'

const reading: Reading = { systemTime: 1_700_000_000_000, offsetMinutes: 0, value: 120, trend: 4 }

function session(id: string, accountKey: number): Session {
  return {
    id,
    accountKey,
    accountId: `account-${accountKey}`,
    kind: 'publisher',
    createdAt: 1,
    expiresAt: 2,
  }
}

describe('SqliteLatestCache', () => {
  let dir: string
  let db: Database.Database
  let other: Database.Database

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'glucoshare-cache-'))
    db = new Database(join(dir, 'cache.db'))
    db.pragma('journal_mode = WAL')
    db.exec('CREATE TABLE t (x INTEGER)')
    other = new Database(join(dir, 'cache.db'))
  })

  afterEach(() => {
    db.close()
    other.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** A cache checked in a read transaction, as SqliteStore checks it, holding accounts 1 and 2. */
  function filled(maxEntries = 10): { cache: SqliteLatestCache; check: () => void } {
    const cache = new SqliteLatestCache(db, maxEntries)
    const check = db.transaction(() => cache.check())
    check()
    cache.remember(session('a', 1), reading)
    cache.remember(session('b', 2), null)
    return { cache, check }
  }

  const insert = (into: Database.Database) => into.prepare('INSERT INTO t VALUES (1)').run()

  it('keeps what it holds while nothing writes', () => {
    const { cache, check } = filled()
    check()
    expect(cache.session('a')).toEqual(session('a', 1))
    expect(cache.latest(1)?.reading).toEqual(reading)
    expect(cache.latest(2)?.reading).toBeNull()
    expect(cache.latest(3)).toBeUndefined()
  })

  it('drops only the uploaded accounts after a write of readings it is told of', () => {
    const { cache, check } = filled()
    cache.writeReadings([1], () => db.transaction(() => (insert(db), insert(db)))())
    check()
    expect(cache.latest(1)).toBeUndefined()
    expect(cache.latest(2)?.reading).toBeNull()
    expect(cache.session('a')).toBeDefined()
  })

  it.each([
    ["this connection's write it was not told of", () => insert(db)],
    ["another connection's commit", () => insert(other)],
  ])('drops everything after %s', (_, write) => {
    const { cache, check } = filled()
    write()
    check()
    for (const id of ['a', 'b']) expect(cache.session(id)).toBeUndefined()
    for (const key of [1, 2]) expect(cache.latest(key)).toBeUndefined()
  })

  it('credits nothing when the write fails, and drops everything if it had changed rows', () => {
    const { cache, check } = filled()
    const failing = db.transaction(() => {
      insert(db)
      throw new Error('rolled back')
    })
    expect(() => cache.writeReadings([1], failing)).toThrow('rolled back')
    check()
    expect(cache.session('b')).toBeUndefined()
    expect(cache.latest(2)).toBeUndefined()
  })

  it('keeps the most recently used up to maxEntries, and nothing with room for none', () => {
    const { cache } = filled(2)
    cache.remember(session('c', 3), reading)
    expect(cache.session('a')).toBeUndefined()
    expect(cache.latest(1)).toBeUndefined()
    // b was used again, so d pushes out c rather than b.
    expect(cache.session('b')).toBeDefined()
    expect(cache.latest(2)?.reading).toBeNull()
    cache.remember(session('d', 4), reading)
    expect(cache.session('c')).toBeUndefined()
    expect(cache.latest(3)).toBeUndefined()
    for (const id of ['b', 'd']) expect(cache.session(id)).toBeDefined()

    const none = new SqliteLatestCache(db, 0)
    expect(none.remember(session('a', 1), reading).reading).toEqual(reading)
    expect(none.session('a')).toBeUndefined()
    expect(none.latest(1)).toBeUndefined()
  })
})
