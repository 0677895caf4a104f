/** How to open a {@link SqliteStore}. */
export interface SqliteStoreConfig {
  /** Path of the database file; created with its folder when missing. */
  readonly path: string
  /**
  Memory-map this many bytes of the file; reads then skip a copy per page. Mapped pages count in
  the process's resident memory; at 10 million readings, 64 MiB read as fast as 256 (BENCHMARKS.md)
  and keep the server under 200 MB.
  @default 67108864 (64 MiB)
  */
  readonly mmapBytes?: number
  /** How long a writer waits for another process's lock before failing. @default 5000 ms */
  readonly busyTimeoutMs?: number
  /**
  Checkpoint the WAL this often on a worker thread once readings are uploaded, so that commits
  rarely reach SQLite's automatic checkpoint, which then waits for 4,000 WAL pages instead of
  1,000 (see `SqliteCheckpointer`); 0 leaves it all to the automatic checkpoint at 1,000 pages.
  Ignored for `:memory:`.
  @default 20 ms
  */
  readonly checkpointIntervalMs?: number
  /**
  Sessions, and accounts' newest readings, kept in memory for reads of the newest reading
  (`SqliteLatestCache`; never stale, whoever writes the file). About 400 bytes an entry.
  @default 20000
  */
  readonly cacheEntries?: number
}
