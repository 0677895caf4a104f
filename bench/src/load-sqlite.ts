import Database from 'better-sqlite3'
import { AccountReadings } from './account-readings.js'
import type { SeededAccount } from './seed-accounts.js'

// Accounts per transaction: big enough to amortise the commit, small enough to keep the WAL short.
const ACCOUNTS_PER_TRANSACTION = 200

/**
Bulk-loads readings into a migrated SQLite store file, account by account, newest first: the
readings table is clustered by `(account_key, system_time DESC)`, so this order appends to the
B-tree (a live server fills it in time order instead; pages then end up less full).
Writes the same rows `SqliteStore.insertReadings` would, with one prepared statement.
*/
export function loadSqliteReadings(
  path: string,
  accounts: readonly SeededAccount[],
  readingsPerAccount: number,
  now: number,
  progress: (done: number) => void,
): void {
  const db = new Database(path)
  try {
    // A failed load is regenerated from scratch, so the load itself needs no durability.
    db.pragma('synchronous = OFF')
    db.pragma('cache_size = -262144')
    const insert = db.prepare(
      'INSERT INTO readings (account_key, system_time, offset_minutes, value, trend) VALUES (?, ?, ?, ?, ?)',
    )
    const markUpload = db.prepare('UPDATE accounts SET last_upload_at = ? WHERE account_key = ?')
    const value = new Int16Array(readingsPerAccount)
    const trend = new Int8Array(readingsPerAccount)
    const loadAccount = (account: SeededAccount, index: number) => {
      const source = new AccountReadings(index, readingsPerAccount, now)
      for (let step = 0; step < readingsPerAccount; step++) {
        const reading = source.next()
        value[step] = reading.value
        trend[step] = reading.trend
      }
      for (let step = readingsPerAccount - 1; step >= 0; step--) {
        insert.run(account.key, source.timeOf(step), source.offsetMinutes, value[step], trend[step])
      }
      markUpload.run(source.timeOf(readingsPerAccount - 1), account.key)
    }
    const loadBatch = db.transaction((first: number, end: number) => {
      for (let index = first; index < end; index++) loadAccount(accounts[index]!, index)
    })
    for (let first = 0; first < accounts.length; first += ACCOUNTS_PER_TRANSACTION) {
      const end = Math.min(accounts.length, first + ACCOUNTS_PER_TRANSACTION)
      loadBatch(first, end)
      progress(end * readingsPerAccount)
    }
    db.pragma('wal_checkpoint(TRUNCATE)')
  } finally {
    db.close()
  }
}
