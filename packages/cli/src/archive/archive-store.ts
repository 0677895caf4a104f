/**
The local archive: every reading `glucoshare archive` has ever fetched, kept without limit in one
SQLite file, read back by `export`, `archive serve` and `nightscout push`.
@module
*/
import { existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { CLIError, EXIT } from '../cli-error.js'
import { archiveMigrations } from './archive-migrations.js'

/** Default archive file, relative to the working directory (env `GLUCOSHARE_ARCHIVE`, flag `--archive`). */
export const DEFAULT_ARCHIVE_PATH = 'data/archive.db'

/** Environment variable naming the archive file. */
export const ARCHIVE_ENV = 'GLUCOSHARE_ARCHIVE'

/** One archived reading. */
export interface ArchivedReading {
  /** Archive source name: the followed account's username, or a `--name` the user gave. */
  source: string
  /** Epoch ms (UTC) of the reading; `(source, systemTime)` is unique. */
  systemTime: number
  /** The publisher's UTC offset in minutes, from the reading's DT/WT. */
  offsetMinutes: number
  /** mg/dL. */
  value: number
  /** Share trend, 0-9. */
  trend: number
}

/** Which readings {@link ArchiveStore.range} and {@link ArchiveStore.count} look at. */
export interface ArchiveQuery {
  /** One source; all sources when absent. */
  source?: string
  /** Epoch ms, inclusive. */
  from?: number
  /** Epoch ms, exclusive. */
  to?: number
}

/** {@link ArchiveQuery} plus order and limit. */
export interface ArchiveRangeQuery extends ArchiveQuery {
  /** By time, oldest first by default; ties between sources go by source name. */
  order?: 'asc' | 'desc'
  limit?: number
}

/** Options of {@link ArchiveStore.open}. */
export interface ArchiveOpenOptions {
  /** Open an existing archive for reading only: no file is created and nothing is migrated. */
  readonly?: boolean
}

interface ReadingRow {
  source: string
  systemTime: number
  offsetMinutes: number
  value: number
  trend: number
}

/**
A SQLite archive file in WAL mode, so one process can archive while others export or serve it.
Calls are synchronous (better-sqlite3). While a {@link range} iterator is open the connection is
busy: finish or `return()` it before writing through the same store.
*/
export class ArchiveStore {
  /** The file this store has open. */
  readonly path: string
  readonly #db: Database.Database
  readonly #statements: ReturnType<typeof prepare>

  private constructor(path: string, db: Database.Database) {
    this.path = path
    this.#db = db
    this.#statements = prepare(db)
  }

  /**
  Opens (and, unless read-only, creates and migrates) the archive at `path`. A file that is not
  an archive, or one written by a newer glucoshare, is refused with a {@link CLIError}.
  */
  static open(path: string, options: ArchiveOpenOptions = {}): ArchiveStore {
    const readonly = options.readonly === true
    if (readonly && !existsSync(path)) {
      throw new CLIError(
        `no archive at ${path}: run 'glucoshare archive' first, or give --archive`,
        EXIT.usage,
      )
    }
    let db: Database.Database | undefined
    try {
      if (!readonly) mkdirSync(dirname(path), { recursive: true })
      db = new Database(path, { readonly, fileMustExist: readonly })
      if (!readonly) db.pragma('journal_mode = WAL')
      // NORMAL in WAL mode: a commit survives a process crash; only power loss can drop the last ones.
      db.pragma('synchronous = NORMAL')
      db.pragma('busy_timeout = 5000')
      migrate(db, path, readonly)
      return new ArchiveStore(path, db)
    } catch (error) {
      db?.close()
      if (error instanceof CLIError) throw error
      const reason = error instanceof Error ? error.message : String(error)
      throw new CLIError(`cannot open the archive ${path}: ${reason}`)
    }
  }

  /**
  Stores readings in one transaction. A reading whose `(source, systemTime)` is already archived
  is skipped (the first copy wins). Answers how many were new.
  */
  insert(readings: readonly ArchivedReading[]): number {
    for (const reading of readings) validate(reading)
    return this.#insertAll(readings)
  }

  readonly #insertAll = (readings: readonly ArchivedReading[]): number =>
    this.#db
      .transaction((batch: readonly ArchivedReading[]) => {
        const s = this.#statements
        let added = 0
        const keys = new Map<string, number>()
        for (const reading of batch) {
          let key = keys.get(reading.source)
          if (key === undefined) {
            s.insertSource.run(reading.source)
            key = s.sourceKey.get(reading.source)!.key
            keys.set(reading.source, key)
          }
          added += s.insertReading.run(
            key,
            reading.systemTime,
            reading.offsetMinutes,
            reading.value,
            reading.trend,
          ).changes
        }
        return added
      })
      .immediate(readings)

  /** Readings from `from` (inclusive) to `to` (exclusive), streamed from the database. */
  range(query: ArchiveRangeQuery = {}): IterableIterator<ArchivedReading> {
    const { where, params } = whereClause(query)
    const direction = query.order === 'desc' ? 'DESC' : 'ASC'
    const limit = query.limit !== undefined ? ` LIMIT ${limitValue(query.limit)}` : ''
    return this.#db
      .prepare<unknown[], ReadingRow>(
        `SELECT ${READING_COLUMNS} FROM readings r JOIN sources s ON s.source_key = r.source_key
         ${where} ORDER BY r.system_time ${direction}, s.name ${direction}${limit}`,
      )
      .iterate(...params)
  }

  /** How many readings {@link range} would give without a limit. */
  count(query: ArchiveQuery = {}): number {
    const { where, params } = whereClause(query)
    return this.#db
      .prepare<unknown[], { n: number }>(
        `SELECT count(*) AS n FROM readings r JOIN sources s ON s.source_key = r.source_key ${where}`,
      )
      .get(...params)!.n
  }

  /** The newest reading of a source, if it has any. */
  newest(source: string): ArchivedReading | undefined {
    return this.#statements.newest.get(source)
  }

  /** Every source with at least one reading, by name. */
  sources(): string[] {
    return this.#statements.sources.all().map((row) => row.name)
  }

  /** A named cursor (for example Nightscout push progress), if set. */
  getCursor(name: string): number | undefined {
    return this.#statements.getCursor.get(name)?.value
  }

  /** Sets a named cursor. */
  setCursor(name: string, value: number): void {
    if (!Number.isFinite(value)) throw new RangeError(`cursor ${name} must be a finite number`)
    this.#statements.setCursor.run(name, value)
  }

  /** Closes the file; further calls throw. Closing twice is harmless. */
  close(): void {
    if (this.#db.open) this.#db.close()
  }
}

const READING_COLUMNS = `s.name AS source, r.system_time AS systemTime,
  r.offset_minutes AS offsetMinutes, r.value AS value, r.trend AS trend`

function prepare(db: Database.Database) {
  return {
    insertSource: db.prepare<[string]>('INSERT OR IGNORE INTO sources (name) VALUES (?)'),
    sourceKey: db.prepare<[string], { key: number }>(
      'SELECT source_key AS key FROM sources WHERE name = ?',
    ),
    insertReading: db.prepare<[number, number, number, number, number]>(
      `INSERT OR IGNORE INTO readings (source_key, system_time, offset_minutes, value, trend)
       VALUES (?, ?, ?, ?, ?)`,
    ),
    newest: db.prepare<[string], ReadingRow>(
      `SELECT ${READING_COLUMNS} FROM readings r JOIN sources s ON s.source_key = r.source_key
       WHERE s.name = ? ORDER BY r.system_time DESC LIMIT 1`,
    ),
    sources: db.prepare<[], { name: string }>(
      `SELECT name FROM sources s
       WHERE EXISTS (SELECT 1 FROM readings r WHERE r.source_key = s.source_key) ORDER BY name`,
    ),
    getCursor: db.prepare<[string], { value: number }>('SELECT value FROM cursors WHERE name = ?'),
    setCursor: db.prepare<[string, number]>(
      `INSERT INTO cursors (name, value) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
    ),
  }
}

function whereClause(query: ArchiveQuery): { where: string; params: unknown[] } {
  const conditions: string[] = []
  const params: unknown[] = []
  if (query.source !== undefined) {
    conditions.push('s.name = ?')
    params.push(query.source)
  }
  if (query.from !== undefined) {
    conditions.push('r.system_time >= ?')
    params.push(timeValue('from', query.from))
  }
  if (query.to !== undefined) {
    conditions.push('r.system_time < ?')
    params.push(timeValue('to', query.to))
  }
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params }
}

function timeValue(name: string, value: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite time in ms`)
  return Math.floor(value)
}

function limitValue(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new RangeError('limit must be a whole number, 0 or more')
  }
  return limit
}

function validate(reading: ArchivedReading): void {
  const bad = (what: string) =>
    new RangeError(`cannot archive a reading with ${what} (source "${reading.source}")`)
  if (typeof reading.source !== 'string' || reading.source === '') throw bad('an empty source')
  if (!Number.isSafeInteger(reading.systemTime)) throw bad('a time that is not whole ms')
  if (!Number.isSafeInteger(reading.offsetMinutes)) throw bad('a non-integer UTC offset')
  if (!Number.isFinite(reading.value)) throw bad('a value that is not a number')
  if (!Number.isInteger(reading.trend) || reading.trend < 0 || reading.trend > 9) {
    throw bad(`trend ${reading.trend}`)
  }
}

/**
Applies pending migrations, tracked in `PRAGMA user_version`. IMMEDIATE takes the write lock
first, so two processes opening a new archive together migrate it once.
*/
function migrate(db: Database.Database, path: string, readonly: boolean): void {
  const latest = archiveMigrations.length
  const current = () => db.pragma('user_version', { simple: true }) as number
  const tooNew = (version: number) =>
    new CLIError(
      `the archive ${path} has schema version ${version}, newer than this glucoshare knows (${latest}): upgrade glucoshare`,
    )
  const found = current()
  if (found > latest) throw tooNew(found)
  if (found === latest) return
  if (readonly) {
    throw new CLIError(
      `the archive ${path} needs an upgrade: run 'glucoshare archive' with this version once`,
    )
  }
  db.transaction(() => {
    const version = current()
    if (version > latest) throw tooNew(version)
    for (const migration of archiveMigrations.slice(version)) db.exec(migration.sql)
    db.pragma(`user_version = ${latest}`)
  }).immediate()
}
