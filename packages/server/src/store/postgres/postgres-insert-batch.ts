import type { InsertedReadings, ReadingsUpload } from '../store.js'
import type { PostgresRun } from './postgres-by-session.js'
import type { PostgresStatement } from './postgres-statements.js'

/**
The `insert_readings` statement (postgres-statements.ts) for uploads of several accounts: one
statement, so one transaction and one commit (one WAL flush) for all of them. The readings
arrive as column arrays with the position of their upload; each upload's account appears once
in a statement ({@link distinctAccountRuns}), so the rows counted per account are that upload's.
*/
export function insertReadingsBatchStatement(prefix: string): PostgresStatement {
  const text = `
    WITH uploads AS (
      SELECT * FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS u(account_key, received_at, i)
    ), inserted AS (
      INSERT INTO ${prefix}readings (account_key, system_time, value, offset_minutes, trend)
      SELECT u.account_key, r.system_time, r.value, r.offset_minutes, r.trend
      FROM unnest($3::bigint[], $4::bigint[], $5::integer[], $6::smallint[], $7::smallint[])
        AS r(i, system_time, value, offset_minutes, trend)
      JOIN uploads AS u ON u.i = r.i
      ON CONFLICT DO NOTHING
      RETURNING account_key
    ), marked AS (
      UPDATE ${prefix}accounts AS a SET last_upload_at = u.received_at
      FROM uploads AS u WHERE a.account_key = u.account_key
    ), counted AS (
      SELECT account_key, count(*) AS inserted FROM inserted GROUP BY account_key
    )
    SELECT u.i, coalesce(c.inserted, 0) AS inserted, EXISTS (
      SELECT 1 FROM ${prefix}contacts
      WHERE account_key = u.account_key AND deleted_at IS NULL AND subscriber_id IS NOT NULL
        AND NOT paused
    ) AS followed
    FROM uploads AS u LEFT JOIN counted AS c ON c.account_key = u.account_key`
  return { name: 'glucoshare_insert_readings_batch', text: text.replace(/\s+/g, ' ').trim() }
}

interface InsertedBatchRow {
  i: number
  inserted: number
  followed: boolean
}

/** An upload with its position among the calls of a batch. */
export interface PlacedUpload {
  readonly upload: ReadingsUpload
  readonly index: number
}

/**
Splits a batch into runs in which no account appears twice, in arrival order: a second upload of
one account goes to the next run, so that it is counted on its own and marks the account after
the first. Within a run, uploads are ordered by account, so that concurrent statements (two
batches, two server instances) lock the accounts they share in the same order.
*/
export function distinctAccountRuns(uploads: readonly ReadingsUpload[]): PlacedUpload[][] {
  const runs: PlacedUpload[][] = []
  const accountsOfRun: Set<number>[] = []
  uploads.forEach((upload, index) => {
    let r = 0
    // The first run after the last one holding this account.
    for (let i = runs.length - 1; i >= 0; i--) {
      if (accountsOfRun[i]!.has(upload.accountKey)) {
        r = i + 1
        break
      }
    }
    if (r === runs.length) {
      runs.push([])
      accountsOfRun.push(new Set())
    }
    runs[r]!.push({ upload, index })
    accountsOfRun[r]!.add(upload.accountKey)
  })
  for (const run of runs) run.sort((a, b) => a.upload.accountKey - b.upload.accountKey)
  return runs
}

/**
Stores uploads of distinct accounts with {@link insertReadingsBatchStatement}: one statement, one
commit. Answers one result per upload, in order.
*/
export async function insertReadingsBatch(
  run: PostgresRun,
  statement: PostgresStatement,
  uploads: readonly ReadingsUpload[],
): Promise<InsertedReadings[]> {
  const position: number[] = []
  const systemTime: number[] = []
  const value: number[] = []
  const offset: number[] = []
  const trend: number[] = []
  uploads.forEach((upload, i) => {
    for (const r of upload.readings) {
      position.push(i + 1)
      systemTime.push(r.systemTime)
      value.push(r.value)
      offset.push(r.offsetMinutes)
      trend.push(r.trend)
    }
  })
  const { rows } = await run<InsertedBatchRow>(statement, [
    uploads.map((upload) => upload.accountKey),
    uploads.map((upload) => upload.receivedAt),
    position,
    systemTime,
    value,
    offset,
    trend,
  ])
  const answers = new Array<InsertedReadings>(uploads.length)
  for (const row of rows) {
    answers[Number(row.i) - 1] = { inserted: Number(row.inserted), followed: row.followed === true }
  }
  return answers
}
