import { PostgresStore, SqliteStore, type Store } from '@glucoshare/server'
import { DEFAULT_DB } from './commands/_shared.js'
import { CLIError } from './cli-error.js'

const POSTGRES_URL = /^postgres(ql)?:\/\//i

/**
Opens and migrates the store named by `--db`, `GLUCOSHARE_DB`, or the default file:
a `postgres://` or `postgresql://` URL opens PostgreSQL, anything else is a SQLite file path.
*/
export async function openStore(db: string | undefined): Promise<Store> {
  const location = db ?? process.env['GLUCOSHARE_DB'] ?? DEFAULT_DB
  const postgres = POSTGRES_URL.test(location)
  // Opening can fail as well as migrating (a directory, an unwritable folder): both get the path.
  let store: Store | undefined
  try {
    store = postgres
      ? new PostgresStore({
          connectionString: location,
          // The pool has already dropped the connection and reconnects on demand: just say so.
          onPoolError: (error) => {
            process.stderr.write(`glucoshare: a PostgreSQL connection failed: ${error.message}\n`)
          },
        })
      : new SqliteStore({ path: location })
    await store.migrate()
  } catch (error) {
    await store?.close()
    const where = postgres ? withoutPassword(location) : location
    throw new CLIError(`cannot open the database ${where}: ${(error as Error).message}`)
  }
  return store
}

/** The URL with its password masked, for messages. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'at the PostgreSQL URL given'
  }
}
