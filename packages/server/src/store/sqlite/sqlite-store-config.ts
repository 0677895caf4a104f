/** How to open a {@link SqliteStore}. */
export interface SqliteStoreConfig {
  /** Path of the database file; created with its folder when missing. */
  readonly path: string
  /**
  Memory-map this many bytes of the file; reads then skip a copy per page.
  @default 268435456 (256 MiB)
  */
  readonly mmapBytes?: number
  /** How long a writer waits for another process's lock before failing. @default 5000 ms */
  readonly busyTimeoutMs?: number
}
