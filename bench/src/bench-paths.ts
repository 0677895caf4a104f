import { fileURLToPath } from 'node:url'
import type { SizeName } from './dataset.js'

/** Generated databases, their descriptions and run results (git-ignored). */
export const DATA_DIR = fileURLToPath(new URL('../data/', import.meta.url))

/** The compiled benchmark scripts. */
export const DIST_DIR = fileURLToPath(new URL('./', import.meta.url))

/**
The PostgreSQL server the benchmark uses, as a URL without a database name.
@default postgres://postgres@127.0.0.1:5432 (env GLUCOSHARE_BENCH_PG)
*/
export const PG_SERVER = (
  process.env['GLUCOSHARE_BENCH_PG'] ?? 'postgres://postgres@127.0.0.1:5432'
).replace(/\/+$/, '')

/** The generated (pristine) database of a store and size. */
export function datasetLocation(store: 'sqlite' | 'postgres', size: SizeName): string {
  return store === 'sqlite'
    ? `${DATA_DIR}sqlite-${size}.db`
    : `${PG_SERVER}/${pgDatabaseName(size)}`
}

/** The PostgreSQL database name of a generated size. */
export function pgDatabaseName(size: SizeName, suffix = ''): string {
  return `glucoshare_bench_${size}${suffix}`
}

/** The JSON description of a generated dataset. */
export function datasetInfoPath(store: 'sqlite' | 'postgres', size: SizeName): string {
  return `${DATA_DIR}${store}-${size}.json`
}
