import type Database from 'better-sqlite3'
import { egvArrayJson } from '../../share/egv-json.js'
import type {
  Account,
  InsertedReadings,
  Reading,
  ReadingsUpload,
  Session,
  SessionEgvJson,
} from '../store.js'
import { egvArrayJsonSql } from './sqlite-egv-json.js'
import type { LatestReading, SqliteLatestCache } from './sqlite-latest-cache.js'

/** One row: the session's columns, then one reading's (null when the account has none). */
type SessionReadingRow = [
  accountKey: number,
  accountId: string,
  kind: Account['kind'],
  createdAt: number,
  expiresAt: number,
  systemTime: number | null,
  offsetMinutes: number | null,
  value: number | null,
  trend: number | null,
]

/** The session columns, as in {@link SessionReadingRow}. */
type SessionRow = [
  accountKey: number,
  accountId: string,
  kind: Account['kind'],
  createdAt: number,
  expiresAt: number,
]

/** One reading: system time, offset, value, trend. */
type ReadingTuple = [systemTime: number, offsetMinutes: number, value: number, trend: number]

const SESSION_COLUMNS = 's.account_key, a.account_id, a.kind, s.created_at, s.expires_at'
const SESSION_FROM = 'sessions s JOIN accounts a ON a.account_key = s.account_key'

/**
The readings part of the SQLite store: `insertReadings`, `readLatest`, `readEgvJsonBySession`.
Rows come as arrays (`raw`): better-sqlite3 spends most of a 288-row read building row objects,
about twice the time of arrays (BENCHMARKS.md). For one reading, one statement joins the
session, its account and the reading: one read transaction, one set of WAL lock calls. For
more, the session's columns would repeat on every row and cost more than a second statement, so
the readings come from their own statement, which renders them as Share's EGV array in SQLite
(sqlite-egv-json.ts). Sessions and newest readings are kept in memory for reads of the newest
reading (sqlite-latest-cache.ts), which the store checks at the start of each read transaction.
*/
export class SqliteReadings {
  readonly #db: Database.Database
  readonly #withOne: Database.Statement<[string], SessionReadingRow>
  readonly #session: Database.Statement<[string], SessionRow>
  // One statement per LIMIT: a bound LIMIT makes SQLite plan worse (perf-ceiling.md §3).
  readonly #byLimit = new Map<number, Database.Statement<[number, number], ReadingTuple>>()
  // Keyed by LIMIT, negative for the legacy form.
  readonly #jsonByLimit = new Map<number, Database.Statement<[number, number], string>>()
  readonly #insert: (upload: ReadingsUpload) => InsertedReadings
  readonly #insertMany: (uploads: readonly ReadingsUpload[]) => InsertedReadings[]
  readonly #cache: SqliteLatestCache

  constructor(db: Database.Database, cache: SqliteLatestCache) {
    this.#db = db
    this.#cache = cache
    const insertReading = db.prepare<[number, number, number, number, number]>(
      `INSERT INTO readings (account_key, system_time, offset_minutes, value, trend)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    )
    const markUpload = db.prepare<[number, number]>(
      'UPDATE accounts SET last_upload_at = ? WHERE account_key = ?',
    )
    // Lets uploads of accounts nobody follows skip the alert engine's contact list.
    const followed = db
      .prepare<[number], number>(
        `SELECT EXISTS (SELECT 1 FROM contacts WHERE account_key = ? AND deleted_at IS NULL
           AND subscriber_id IS NOT NULL AND paused = 0)`,
      )
      .pluck()
    const insertOne = (upload: ReadingsUpload): InsertedReadings => {
      const { accountKey, receivedAt } = upload
      let inserted = 0
      for (const r of upload.readings) {
        inserted += insertReading.run(
          accountKey,
          r.systemTime,
          r.offsetMinutes,
          r.value,
          r.trend,
        ).changes
      }
      markUpload.run(receivedAt, accountKey)
      return { inserted, followed: followed.get(accountKey) === 1 }
    }
    // Made once: better-sqlite3 builds a transaction's wrappers each time transaction() is called.
    this.#insert = db.transaction(insertOne)
    this.#insertMany = db.transaction((uploads: readonly ReadingsUpload[]) =>
      uploads.map(insertOne),
    )
    // The session is found by primary key (one row), so SQLite reads the reading in primary key
    // order and stops at the limit: no sort. The newest reading, however old: the cache keeps it
    // for any window.
    this.#withOne = db
      .prepare<[string], SessionReadingRow>(
        `SELECT ${SESSION_COLUMNS}, r.system_time, r.offset_minutes, r.value, r.trend
         FROM ${SESSION_FROM}
         LEFT JOIN readings r ON r.account_key = s.account_key
         WHERE s.session_id = ? ORDER BY r.system_time DESC LIMIT 1`,
      )
      .raw(true)
    this.#session = db
      .prepare<[string], SessionRow>(
        `SELECT ${SESSION_COLUMNS} FROM ${SESSION_FROM} WHERE s.session_id = ?`,
      )
      .raw(true)
  }

  /**
  Stores readings in one transaction, skipping system times the account already has, and marks
  the upload; answers how many were new and whether an active follower exists.
  */
  insert(upload: ReadingsUpload): InsertedReadings {
    return this.#stored([upload], () => this.#insert(upload))
  }

  /**
  Stores several uploads as {@link insert} does, all in one transaction: one commit, one set of
  WAL writes and lock calls for all of them. Answers one result per upload, in order.
  */
  insertMany(uploads: readonly ReadingsUpload[]): InsertedReadings[] {
    return this.#stored(uploads, () => this.#insertMany(uploads))
  }

  // An upload's transaction changes only its account's readings and upload mark, as the cache
  // requires.
  #stored<T>(uploads: readonly ReadingsUpload[], store: () => T): T {
    return this.#cache.writeReadings(
      uploads.map((upload) => upload.accountKey),
      store,
    )
  }

  /** Readings with system time at or after `since`, newest first, at most `limit`. */
  latest(accountKey: number, since: number, limit: number): Reading[] {
    const count = Math.trunc(limit)
    if (count <= 0) return []
    return this.#readings(count).all(accountKey, since).map(toReading)
  }

  /** The readings {@link latest} answers, as Share's EGV array. */
  egvJson(accountKey: number, since: number, limit: number, legacy: boolean): string {
    const count = Math.trunc(limit)
    if (count <= 0) return '[]'
    return this.#egvJson(count, legacy).get(accountKey, since)!
  }

  /** The session and its account's readings as {@link latest} answers them, as Share's EGV array. */
  egvJsonBySession(
    sessionId: string,
    since: number,
    limit: number,
    legacy: boolean,
  ): SessionEgvJson | undefined {
    const count = Math.trunc(limit)
    if (count <= 1) {
      const cache = this.#cache
      let session = cache.session(sessionId)
      let latest = session && cache.latest(session.accountKey)
      if (!session || !latest) {
        const row = this.#withOne.get(sessionId)
        if (!row) return undefined
        session = toSession(sessionId, row)
        latest = cache.remember(
          session,
          row[5] === null
            ? null
            : { systemTime: row[5], offsetMinutes: row[6]!, value: row[7]!, trend: row[8]! },
        )
      }
      return { session, json: latestJson(latest, since, count, legacy) }
    }
    const row = this.#session.get(sessionId)
    if (!row) return undefined
    return {
      session: toSession(sessionId, row),
      json: this.egvJson(row[0], since, count, legacy),
    }
  }

  #egvJson(limit: number, legacy: boolean) {
    const key = legacy ? -limit : limit
    let statement = this.#jsonByLimit.get(key)
    if (!statement) {
      statement = this.#db.prepare<[number, number], string>(egvArrayJsonSql(limit, legacy)).pluck()
      this.#jsonByLimit.set(key, statement)
    }
    return statement
  }

  #readings(limit: number) {
    let statement = this.#byLimit.get(limit)
    if (!statement) {
      statement = this.#db
        .prepare<[number, number], ReadingTuple>(
          `SELECT system_time, offset_minutes, value, trend FROM readings
           WHERE account_key = ? AND system_time >= ? ORDER BY system_time DESC LIMIT ${limit}`,
        )
        .raw(true)
      this.#byLimit.set(limit, statement)
    }
    return statement
  }
}

function toSession(id: string, row: SessionRow | SessionReadingRow): Session {
  return {
    id,
    accountKey: row[0],
    accountId: row[1],
    kind: row[2],
    createdAt: row[3],
    expiresAt: row[4],
  }
}

// The newest reading's EGV array, rendered once per form.
function latestJson(latest: LatestReading, since: number, count: number, legacy: boolean): string {
  const { reading } = latest
  if (count !== 1 || reading === null || reading.systemTime < since) return '[]'
  if (legacy) return (latest.legacyJson ??= egvArrayJson([reading], true))
  return (latest.json ??= egvArrayJson([reading], false))
}

function toReading(row: ReadingTuple): Reading {
  return { systemTime: row[0], offsetMinutes: row[1], value: row[2], trend: row[3] }
}
