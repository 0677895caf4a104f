import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CLIError } from '../cli-error.js'
import { ArchiveStore, type ArchivedReading } from './archive-store.js'

const T0 = Date.UTC(2025, 3, 19, 12, 0, 0)
const FIVE_MIN = 5 * 60_000

function reading(source: string, i: number, value = 100 + i): ArchivedReading {
  return { source, systemTime: T0 + i * FIVE_MIN, offsetMinutes: 120, value, trend: 4 }
}

describe('ArchiveStore', () => {
  let dir: string
  let path: string
  let store: ArchiveStore

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'glucoshare-archive-'))
    path = join(dir, 'nested', 'archive.db')
    store = ArchiveStore.open(path)
  })
  afterEach(() => {
    store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('creates the file in WAL mode with the schema version set', () => {
    const db = new Database(path, { readonly: true })
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('user_version', { simple: true })).toBe(1)
    db.close()
  })

  it('stores each (source, time) once and counts only new readings', () => {
    expect(store.insert([reading('alice', 0), reading('alice', 1)])).toBe(2)
    expect(store.insert([reading('alice', 1, 999), reading('alice', 2), reading('bob', 1)])).toBe(2)
    expect(store.count({})).toBe(4)
    // The first copy wins.
    expect([...store.range({ source: 'alice' })].map((r) => r.value)).toEqual([100, 101, 102])
    expect(store.insert([])).toBe(0)
  })

  it('de-duplicates within one batch', () => {
    expect(store.insert([reading('alice', 0), reading('alice', 0)])).toBe(1)
  })

  it('reads ranges with from inclusive, to exclusive, in either order, with a limit', () => {
    store.insert([0, 1, 2, 3, 4].map((i) => reading('alice', i)))
    store.insert([1, 2].map((i) => reading('bob', i)))
    const times = (q: Parameters<ArchiveStore['range']>[0]) =>
      [...store.range(q)].map((r) => [r.source, (r.systemTime - T0) / FIVE_MIN])
    expect(times({ source: 'alice', from: T0 + FIVE_MIN, to: T0 + 3 * FIVE_MIN })).toEqual([
      ['alice', 1],
      ['alice', 2],
    ])
    expect(times({ from: T0 + FIVE_MIN, to: T0 + 3 * FIVE_MIN })).toEqual([
      ['alice', 1],
      ['bob', 1],
      ['alice', 2],
      ['bob', 2],
    ])
    expect(times({ source: 'alice', order: 'desc', limit: 2 })).toEqual([
      ['alice', 4],
      ['alice', 3],
    ])
    expect(store.count({ source: 'bob', from: T0 + 2 * FIVE_MIN })).toBe(1)
    expect(store.count({ source: 'nobody' })).toBe(0)
  })

  it('returns every field as stored', () => {
    const stored: ArchivedReading = {
      source: 'alice',
      systemTime: T0,
      offsetMinutes: -300,
      value: 39,
      trend: 9,
    }
    store.insert([stored])
    expect(store.newest('alice')).toEqual(stored)
    expect([...store.range({})]).toEqual([stored])
  })

  it('streams a range lazily', () => {
    store.insert(Array.from({ length: 1000 }, (_, i) => reading('alice', i)))
    const iterator = store.range({ source: 'alice' })
    expect(iterator.next().value).toMatchObject({ systemTime: T0 })
    iterator.return?.()
    // The connection is free again once the iterator is closed.
    expect(store.insert([reading('alice', 2000)])).toBe(1)
  })

  it('answers the newest reading per source and the list of sources', () => {
    expect(store.newest('alice')).toBeUndefined()
    expect(store.sources()).toEqual([])
    store.insert([reading('bob', 3), reading('alice', 7), reading('alice', 2)])
    expect(store.newest('alice')?.systemTime).toBe(T0 + 7 * FIVE_MIN)
    expect(store.sources()).toEqual(['alice', 'bob'])
  })

  it('keeps named cursors', () => {
    expect(store.getCursor('nightscout:https://ns.example.org')).toBeUndefined()
    store.setCursor('nightscout:https://ns.example.org', T0)
    store.setCursor('nightscout:https://ns.example.org', T0 + FIVE_MIN)
    expect(store.getCursor('nightscout:https://ns.example.org')).toBe(T0 + FIVE_MIN)
    expect(() => store.setCursor('x', Number.NaN)).toThrow(RangeError)
  })

  it('refuses invalid readings without storing any of the batch', () => {
    expect(() =>
      store.insert([reading('alice', 0), { ...reading('alice', 1), trend: 12 }]),
    ).toThrow(/trend 12/)
    expect(() => store.insert([{ ...reading('alice', 1), source: '' }])).toThrow(/empty source/)
    expect(() => store.insert([{ ...reading('alice', 1), systemTime: 1.5 }])).toThrow(/whole ms/)
    expect(store.count({})).toBe(0)
  })

  it('keeps data across reopen and by a second connection', () => {
    store.insert([reading('alice', 0)])
    const other = ArchiveStore.open(path)
    expect(other.insert([reading('alice', 0), reading('alice', 1)])).toBe(1)
    other.close()
    store.close()
    store = ArchiveStore.open(path, { readonly: true })
    expect(store.count({ source: 'alice' })).toBe(2)
  })

  it('refuses a missing file read-only, a non-archive file and a newer schema', () => {
    expect(() => ArchiveStore.open(join(dir, 'missing.db'), { readonly: true })).toThrow(
      /no archive at/,
    )
    const junk = join(dir, 'junk.db')
    writeFileSync(junk, 'this is not a database, just text that is long enough '.repeat(20))
    expect(() => ArchiveStore.open(junk)).toThrow(CLIError)
    const newer = join(dir, 'newer.db')
    const db = new Database(newer)
    db.pragma('user_version = 99')
    db.close()
    expect(() => ArchiveStore.open(newer)).toThrow(/schema version 99/)
  })
})
