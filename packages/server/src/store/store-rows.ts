import type { Account, Reading } from './store.js'

/** An `accounts` row as both engines return it (column names are shared by their schemas). */
export interface AccountRow {
  account_key: number
  account_id: string
  kind: Account['kind']
  username: string
  email: string | null
  phone: string | null
  display_name: string
  password_hash: string
  created_at: number
}

/** A `readings` row as both engines return it. */
export interface ReadingRow {
  system_time: number
  offset_minutes: number
  value: number
  trend: number
}

export function toAccount(row: AccountRow): Account {
  return {
    key: row.account_key,
    id: row.account_id,
    kind: row.kind,
    username: row.username,
    email: row.email ?? undefined,
    phone: row.phone ?? undefined,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
  }
}

export function toReading(row: ReadingRow): Reading {
  return {
    systemTime: row.system_time,
    offsetMinutes: row.offset_minutes,
    value: row.value,
    trend: row.trend,
  }
}
