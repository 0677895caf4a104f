import { SqliteStore, type Store } from '@glucoshare/server'
import { DEFAULT_DB } from './commands/_shared.js'
import { CLIError } from './cli-error.js'

/** Opens and migrates the store named by `--db`, `GLUCOSHARE_DB`, or the default file. */
export async function openStore(db: string | undefined): Promise<Store> {
  const location = db ?? process.env['GLUCOSHARE_DB'] ?? DEFAULT_DB
  if (/^postgres(ql)?:\/\//i.test(location)) {
    throw new CLIError(
      'PostgreSQL storage is not available in this version; use a SQLite file path.',
    )
  }
  const store = new SqliteStore({ path: location })
  try {
    await store.migrate()
  } catch (error) {
    await store.close()
    throw new CLIError(`cannot open the database ${location}: ${(error as Error).message}`)
  }
  return store
}
