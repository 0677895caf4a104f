/** An archive schema change; migration `n` (1-based position) moves `user_version` to `n`. */
export interface ArchiveMigration {
  readonly name: string
  readonly sql: string
}

/**
Archive schema history, in order. Never edit a released migration: append a new one.
Readings are clustered by `(source_key, system_time)` (WITHOUT ROWID), so one source's range
and its newest reading are a single b-tree walk; the time index serves ranges over all sources.
*/
export const archiveMigrations: readonly ArchiveMigration[] = [
  {
    name: 'sources, readings and cursors',
    sql: `
      CREATE TABLE sources (
        source_key INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE
      );
      CREATE TABLE readings (
        source_key     INTEGER NOT NULL REFERENCES sources (source_key),
        system_time    INTEGER NOT NULL,
        offset_minutes INTEGER NOT NULL,
        value          REAL NOT NULL,
        trend          INTEGER NOT NULL,
        PRIMARY KEY (source_key, system_time)
      ) WITHOUT ROWID;
      CREATE INDEX readings_time ON readings (system_time, source_key);
      CREATE TABLE cursors (
        name  TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
]
