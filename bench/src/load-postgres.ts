import pg from 'pg'
import { AccountReadings } from './account-readings.js'
import type { SeededAccount } from './seed-accounts.js'

// Rows per INSERT: five time steps of 10,000 accounts.
const ROWS_PER_STATEMENT = 50_000

/**
Bulk-loads readings into a migrated PostgreSQL store in time order, every account's reading of
one five-minute step after the other, as a live service fills the table: an account's rows end
up scattered over the heap, one per page. The primary key is dropped for the load and rebuilt
after it (the same definition as the migration's), then the table is vacuumed and analysed,
as autovacuum would have done.
*/
export async function loadPostgresReadings(
  connectionString: string,
  accounts: readonly SeededAccount[],
  readingsPerAccount: number,
  now: number,
  progress: (done: number) => void,
): Promise<void> {
  const client = new pg.Client({ connectionString })
  await client.connect()
  try {
    await client.query('SET synchronous_commit = off')
    await client.query("SET maintenance_work_mem = '512MB'")
    await client.query('ALTER TABLE readings DROP CONSTRAINT readings_pkey')
    const sources = accounts.map((_, index) => new AccountReadings(index, readingsPerAccount, now))
    const stepsPerStatement = Math.max(1, Math.floor(ROWS_PER_STATEMENT / accounts.length))
    for (let first = 0; first < readingsPerAccount; first += stepsPerStatement) {
      const end = Math.min(readingsPerAccount, first + stepsPerStatement)
      const keys: number[] = []
      const times: number[] = []
      const values: number[] = []
      const offsets: number[] = []
      const trends: number[] = []
      for (let step = first; step < end; step++) {
        for (let index = 0; index < accounts.length; index++) {
          const source = sources[index]!
          const reading = source.next()
          keys.push(accounts[index]!.key)
          times.push(source.timeOf(step))
          values.push(reading.value)
          offsets.push(source.offsetMinutes)
          trends.push(reading.trend)
        }
      }
      await client.query(
        `INSERT INTO readings (account_key, system_time, value, offset_minutes, trend)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::integer[], $4::smallint[], $5::smallint[])`,
        [keys, times, values, offsets, trends],
      )
      progress(end * accounts.length)
    }
    await client.query(
      'ALTER TABLE readings ADD CONSTRAINT readings_pkey PRIMARY KEY (account_key, system_time)',
    )
    await client.query('UPDATE accounts SET last_upload_at = $1', [now])
    await client.query('VACUUM ANALYZE')
  } finally {
    await client.end()
  }
}
