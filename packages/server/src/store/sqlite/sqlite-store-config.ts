/** How to open a {@link SqliteStore}. */
export interface SqliteStoreConfig {
  /** Path of the database file; created with its folder when missing. */
  readonly path: string
  /**
  Memory-map this many bytes of the file; reads then skip a copy per page. Mapped pages count in
  the process's resident memory. Off by default: reads of the newest reading come from memory
  (`SqliteLatestCache`), and at 10 million readings a 64 MiB map made 288-reading reads and
  uploads no faster while adding 17–40 MiB to the server's resident size (BENCHMARKS.md).
  @default 0 (off)
  */
  readonly mmapBytes?: number
  /** How long a writer waits for another process's lock before failing. @default 5000 ms */
  readonly busyTimeoutMs?: number
  /**
  Checkpoint the WAL this often on a worker thread once readings are uploaded, so that commits
  rarely reach SQLite's automatic checkpoint, which then waits for 4,000 WAL pages instead of
  1,000 (see `SqliteCheckpointer`); 0 leaves it all to the automatic checkpoint at 1,000 pages.
  Off by default: the worker is a second V8 isolate, 36–53 MiB of resident memory in a server
  that runs for minutes, and in one run the uploads it was to speed up were as fast without it
  (BENCHMARKS.md, seventh round). 20 ms is the interval it was tuned at. Ignored for `:memory:`.
  @default 0 (off)
  */
  readonly checkpointIntervalMs?: number
  /**
  Sessions, and accounts' newest readings, kept in memory for reads of the newest reading
  (`SqliteLatestCache`; never stale, whoever writes the file). About 400 bytes an entry.
  @default 20000
  */
  readonly cacheEntries?: number
}
