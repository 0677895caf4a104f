/**
Builds the benchmark databases: `node bench/dist/generate.js [sqlite|postgres ...] [full|small ...]`
(default: both stores, both sizes). Each database is made by the store's own migrations; accounts,
sessions and receivers go through the store's methods, readings through a bulk loader.
@module
*/
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { PostgresStore, SqliteStore, hashPassword, type Store } from '@glucoshare/server'
import { SIZES, writeDatasetInfo, type DatasetInfo, type SizeName } from './dataset.js'
import {
  DATA_DIR,
  PG_SERVER,
  datasetInfoPath,
  datasetLocation,
  pgDatabaseName,
} from './bench-paths.js'
import { seedAccounts } from './seed-accounts.js'
import { loadSqliteReadings } from './load-sqlite.js'
import { loadPostgresReadings } from './load-postgres.js'

/**
The password of every generated account (they share one hash: scrypt at production cost takes
~50 ms, 10,000 of them would take minutes). Benchmark data only.
*/
export const BENCH_PASSWORD = process.env['GLUCOSHARE_BENCH_PASSWORD'] ?? 'bench-password-1'

/** A store the benchmark can generate. */
export type StoreName = 'sqlite' | 'postgres'

function log(message: string): void {
  process.stderr.write(`[generate] ${message}\n`)
}

/** Generates one database (replacing it) and writes its description; returns the description. */
export async function generateDataset(store: StoreName, size: SizeName): Promise<DatasetInfo> {
  const { accounts: count, readingsPerAccount } = SIZES[size]
  const location = datasetLocation(store, size)
  const started = performance.now()
  const now = Date.now()
  log(`${store} ${size}: ${count} accounts × ${readingsPerAccount} readings → ${location}`)
  mkdirSync(DATA_DIR, { recursive: true })
  const passwordHash = await hashPassword(BENCH_PASSWORD)

  let target: Store
  if (store === 'sqlite') {
    for (const suffix of ['', '-wal', '-shm']) rmSync(location + suffix, { force: true })
    target = new SqliteStore({ path: location })
  } else {
    await recreatePgDatabase(pgDatabaseName(size))
    target = new PostgresStore({ connectionString: location })
  }
  await target.migrate()
  const accounts = await seedAccounts(target, count, passwordHash, now, store === 'sqlite' ? 1 : 8)
  await target.close()
  log(`${store} ${size}: accounts, sessions and receivers made`)

  const total = count * readingsPerAccount
  let reported = 0
  const progress = (done: number) => {
    if (done - reported >= total / 10 || done === total) {
      reported = done
      log(`${store} ${size}: ${Math.round((done / total) * 100)} % of readings`)
    }
  }
  if (store === 'sqlite') loadSqliteReadings(location, accounts, readingsPerAccount, now, progress)
  else await loadPostgresReadings(location, accounts, readingsPerAccount, now, progress)

  const info: DatasetInfo = {
    store,
    size,
    location,
    now,
    readingsPerAccount,
    accounts: accounts.map(({ sessionId, serialNumber }) => ({ sessionId, serialNumber })),
    generatedAt: new Date().toISOString(),
    loadSeconds: Math.round((performance.now() - started) / 100) / 10,
  }
  writeDatasetInfo(datasetInfoPath(store, size), info)
  log(`${store} ${size}: done in ${info.loadSeconds} s`)
  return info
}

/** Drops and creates a database on the benchmark's PostgreSQL server. */
export async function recreatePgDatabase(name: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${PG_SERVER}/postgres` })
  await client.connect()
  try {
    const quoted = pg.escapeIdentifier(name)
    await client.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`)
    // FILE_COPY copies the files instead of WAL-logging every page: seconds for a 1 GB database.
    await client.query(
      template === undefined
        ? `CREATE DATABASE ${quoted}`
        : `CREATE DATABASE ${quoted} TEMPLATE ${pg.escapeIdentifier(template)} STRATEGY FILE_COPY`,
    )
  } finally {
    await client.end()
  }
}

/** Drops a database of the benchmark's PostgreSQL server, if it exists. */
export async function dropPgDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${PG_SERVER}/postgres` })
  await client.connect()
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`)
  } finally {
    await client.end()
  }
}

/** True when a dataset's description exists (and, for SQLite, its file). */
export function datasetExists(store: StoreName, size: SizeName): boolean {
  if (!existsSync(datasetInfoPath(store, size))) return false
  return store === 'postgres' || existsSync(datasetLocation(store, size))
}

async function main(): Promise<void> {
  const { positionals } = parseArgs({ allowPositionals: true })
  const stores = positionals.filter((p): p is StoreName => p === 'sqlite' || p === 'postgres')
  const sizes = positionals.filter((p): p is SizeName => p === 'full' || p === 'small')
  const unknown = positionals.filter((p) => !['sqlite', 'postgres', 'full', 'small'].includes(p))
  if (unknown.length > 0) {
    throw new Error(`unknown argument ${unknown.join(' ')}: use sqlite, postgres, full, small`)
  }
  for (const store of stores.length > 0 ? stores : (['sqlite', 'postgres'] as const)) {
    for (const size of sizes.length > 0 ? sizes : (['small', 'full'] as const)) {
      await generateDataset(store, size)
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`[generate] failed: ${(error as Error).message}\n`)
    process.exitCode = 1
  })
}
