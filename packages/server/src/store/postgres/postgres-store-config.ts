/** How to open a {@link PostgresStore}. */
export interface PostgresStoreConfig {
  /**
  Where the database is, as a libpq-style URL. Parameters in the URL (`sslmode`,
  `application_name`, `options`) win over the defaults this store sets.
  @example 'postgres://glucoshare@db.internal:5432/glucoshare'
  */
  readonly connectionString: string
  /**
  Most connections the pool opens. About 10 saturated a two-core machine (perf-ceiling.md §2-5);
  with several server processes, keep the sum below the server's `max_connections`.
  @default 10
  */
  readonly poolSize?: number
  /**
  Schema that holds the tables; `migrate()` creates it when missing and every statement names it.
  Without it the tables live in the first schema of the connection's `search_path` (normally `public`).
  */
  readonly schema?: string
  /** How long opening a connection may take before the call that needed it fails. @default 5000 ms */
  readonly connectTimeoutMs?: number
  /**
  How long an unused connection stays open; the pool re-opens on demand.
  @default 10000 ms
  */
  readonly idleTimeoutMs?: number
  /**
  How long the client waits for a query's answer before giving the connection up as broken.
  Without it a network that silently drops packets would hang a request until TCP gives up
  (hours). Long migrations on large tables may need more.
  @default 30000 ms
  */
  readonly queryTimeoutMs?: number
  /**
  Told about errors of idle pooled connections (PostgreSQL restarted, the network dropped them).
  The pool has already discarded the connection and opens a new one on the next call; this is
  for logging only. Errors of a call are never reported here: the call rejects with them.
  @default ignore them
  */
  readonly onPoolError?: (error: Error) => void
}
