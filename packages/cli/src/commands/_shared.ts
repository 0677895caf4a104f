import type { ArgsDef } from 'citty'

/** Default database file, relative to the working directory. */
export const DEFAULT_DB = 'data/glucoshare.db'

/** The database argument shared by every command that opens the server's store. */
export const storeArgs = {
  db: {
    type: 'string',
    description: `SQLite file path (default ${DEFAULT_DB}; env GLUCOSHARE_DB)`,
    valueHint: 'path',
  },
} as const satisfies ArgsDef

/** Machine-readable output. */
export const jsonArgs = {
  json: { type: 'boolean', description: 'Print JSON instead of a table', default: false },
} as const satisfies ArgsDef
