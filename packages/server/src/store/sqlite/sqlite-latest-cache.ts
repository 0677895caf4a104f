import type Database from 'better-sqlite3'
import type { Reading, Session } from '../store.js'
import { GenerationalMap } from './generational-map.js'

/** An account's newest reading (`null`: it has none), and its EGV arrays once rendered. */
export interface LatestReading {
  readonly reading: Reading | null
  json?: string
  legacyJson?: string
}

/**
Sessions and each account's newest reading, as the database file held them, for the busiest read
(the newest reading by session). At 10 million readings the statement it saves descends a b-tree
of 60,000 pages that do not stay in the CPU's caches (BENCHMARKS.md).

It is never stale, whoever writes the file. At the start of every read transaction, `check()`
reads two counters inside that transaction: `total_changes()`, the rows this connection has
changed, and `data_version`, which moves when another connection (the CLI, another process)
commits. If either moved in a way this cache was not told of, everything is dropped. Writes it
is told of (`writeReadings`, `writeElsewhere`) drop only what they changed, so uploads and the
alert engine's writes keep the rest of it warm.
A write that forgets to tell it costs a refill, never a stale answer.

Each kind keeps at most `maxEntries` (rounded up to an even number), in two generations
(`GenerationalMap`): the least recently used go first. With `maxEntries` 0, nothing is kept.
Entries are overwritten, never deleted one by one (a `Map` must not churn: `node/array-set.ts`),
so an upload marks its account's entry stale.
*/
export class SqliteLatestCache {
  readonly #sessions: GenerationalMap<string, Session>
  // `undefined`: dropped by an upload.
  readonly #latest: GenerationalMap<number, LatestReading | undefined>
  readonly #counters: Database.Statement<[], [changes: number, dataVersion: number]>
  readonly #totalChanges: Database.Statement<[], number>
  readonly #maxEntries: number
  #changes = -1
  #dataVersion = -1

  constructor(db: Database.Database, maxEntries: number) {
    this.#counters = db
      .prepare<[], [number, number]>(
        'SELECT total_changes(), data_version FROM pragma_data_version',
      )
      .raw(true)
    this.#totalChanges = db.prepare<[], number>('SELECT total_changes()').pluck()
    this.#maxEntries = maxEntries
    const generation = Math.ceil(maxEntries / 2)
    this.#sessions = new GenerationalMap(generation)
    this.#latest = new GenerationalMap(generation)
  }

  /** Drops everything unless the file is as this cache knows it. Call inside a read transaction. */
  check(): void {
    const [changes, dataVersion] = this.#counters.get()!
    if (changes === this.#changes && dataVersion === this.#dataVersion) return
    this.#sessions.clear()
    this.#latest.clear()
    this.#changes = changes
    this.#dataVersion = dataVersion
  }

  /**
  Runs `write`, a transaction that changes only the readings of `accountKeys` and their accounts'
  upload marks: their newest readings are dropped and the rest stays. If it fails, nothing is
  credited, and a rolled-back change makes the next check drop everything.
  */
  writeReadings<T>(accountKeys: Iterable<number>, write: () => T): T {
    const before = this.#totalChanges.get()!
    const result = write()
    this.#changes += this.#totalChanges.get()! - before
    for (const key of accountKeys) this.#latest.replace(key, undefined)
    return result
  }

  /** Runs `write`, which changes nothing this cache holds, keeping all of it (as `writeReadings`). */
  writeElsewhere<T>(write: () => T): T {
    return this.writeReadings([], write)
  }

  session(id: string): Session | undefined {
    return this.#sessions.get(id)
  }

  latest(accountKey: number): LatestReading | undefined {
    return this.#latest.get(accountKey)
  }

  /** Keeps a session and its account's newest reading, read in the current read transaction. */
  remember(session: Session, reading: Reading | null): LatestReading {
    const latest: LatestReading = { reading }
    if (this.#maxEntries === 0) return latest
    this.#sessions.set(session.id, Object.freeze(session))
    this.#latest.set(session.accountKey, latest)
    return latest
  }
}
