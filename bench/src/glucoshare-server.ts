/**
Runs glucoshare as `glucoshare serve --db <db> --port <port>` does (the same store set-up and the
same `serve()`), with one difference: the server's clock starts at the dataset's "now", so a
database generated days ago reads as fresh and uploads are not "in the future".
`node bench/dist/glucoshare-server.js --db <file|postgres://…> --port <n> --now <epoch ms> [--log-level info]`
@module
*/
import { parseArgs } from 'node:util'
import type { Clock, Store } from '@glucoshare/server'

// Another build of the server (a copy of packages/server/dist) can be compared with this one.
const { PostgresStore, SqliteStore, serve } = (await import(
  process.env['GLUCOSHARE_BENCH_SERVER'] ?? '@glucoshare/server'
)) as typeof import('@glucoshare/server')

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    port: { type: 'string', default: '18081' },
    now: { type: 'string' },
    'log-level': { type: 'string', default: 'info' },
    // For experiments only: SqliteStoreConfig fields `glucoshare serve` leaves at their defaults.
    'sqlite-mmap': { type: 'string' },
    'sqlite-checkpoint-ms': { type: 'string' },
  },
})
if (!values.db || !values.now) throw new Error('--db and --now are required')

const shift = Number(values.now) - Date.now()
const clock: Clock = { now: () => Date.now() + shift }
const store: Store = /^postgres(ql)?:\/\//i.test(values.db)
  ? new PostgresStore({ connectionString: values.db })
  : new SqliteStore({
      path: values.db,
      ...(values['sqlite-mmap'] ? { mmapBytes: Number(values['sqlite-mmap']) } : {}),
      ...(values['sqlite-checkpoint-ms']
        ? { checkpointIntervalMs: Number(values['sqlite-checkpoint-ms']) }
        : {}),
    })
await store.migrate()
const server = await serve({
  store,
  port: Number(values.port),
  clock,
  logger: { level: values['log-level'] },
})
process.stderr.write(`glucoshare listening on ${server.url}\n`)
const stop = () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  )
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
