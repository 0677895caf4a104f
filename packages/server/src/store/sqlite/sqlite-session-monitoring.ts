import type Database from 'better-sqlite3'
import type { SessionMonitoring } from '../store.js'
import { toMonitoring, toSession, type MonitoringRow, type SessionRow } from '../store-rows.js'

interface SessionMonitoringRow extends MonitoringRow, SessionRow {
  monitoring_active: number
}

/**
`readMonitoringBySession` on SQLite: the session, its account's monitoring flag and its receiver
in one statement (one read transaction per upload instead of two).
*/
export function prepareSessionMonitoring(
  db: Database.Database,
): (sessionId: string) => SessionMonitoring | undefined {
  const statement = db.prepare<[string], SessionMonitoringRow>(
    `SELECT s.account_key, a.account_id, a.kind, s.created_at, s.expires_at,
            a.monitoring_active, a.last_upload_at, r.receiver_id, r.serial_number
     FROM sessions s JOIN accounts a ON a.account_key = s.account_key
     LEFT JOIN receivers r ON r.account_key = s.account_key
     WHERE s.session_id = ?`,
  )
  return (sessionId) => {
    const row = statement.get(sessionId)
    if (!row) return undefined
    return {
      session: toSession(sessionId, row),
      monitoring: toMonitoring(row.monitoring_active === 1, row),
    }
  }
}
