import type { SessionMonitoring, SessionReadings } from '../store.js'
import { toMonitoring, toSession, type MonitoringRow, type SessionRow } from '../store-rows.js'
import { readingsOf, type PostgresRun, type SessionWithReadingRow } from './postgres-by-session.js'
import type { PostgresStatement } from './postgres-statements.js'

/** One read of a session's newest reading, as {@link readLatestOneBatch} takes it. */
export interface LatestOneKey {
  readonly sessionId: string
  readonly since: number
}

/** A row of {@link latestOneBatchStatement}: which key it answers, the session, its reading. */
interface LatestOneBatchRow extends SessionWithReadingRow {
  i: number
}

/**
`latestOneStatement` (postgres-by-session.ts) for many sessions at once: the keys arrive as two
arrays and each row carries its key's position. The sessions' primary key finds each session and
the lateral subquery stops at each account's first reading, as for one.
*/
export function latestOneBatchStatement(prefix: string): PostgresStatement {
  const text = `
    SELECT q.i, s.account_key, s.account_id, s.kind, s.created_at, s.expires_at,
           r.system_time, r.offset_minutes, r.value, r.trend
    FROM unnest($1::uuid[], $2::bigint[]) WITH ORDINALITY AS q(session_id, since, i)
    JOIN ${prefix}sessions AS s ON s.session_id = q.session_id
    LEFT JOIN LATERAL (
      SELECT system_time, offset_minutes, value, trend FROM ${prefix}readings
      WHERE account_key = s.account_key AND system_time >= q.since
      ORDER BY system_time DESC LIMIT 1
    ) AS r ON true`
  return {
    name: 'glucoshare_read_latest_one_by_sessions',
    text: text.replace(/\s+/g, ' ').trim(),
  }
}

/** Runs {@link latestOneBatchStatement}: one answer per key, in order; undefined for no session. */
export async function readLatestOneBatch(
  run: PostgresRun,
  statement: PostgresStatement,
  keys: readonly LatestOneKey[],
): Promise<(SessionReadings | undefined)[]> {
  const { rows } = await run<LatestOneBatchRow>(statement, [
    keys.map((key) => key.sessionId),
    keys.map((key) => key.since),
  ])
  return answersInKeyOrder(keys.length, rows, (row, index) => ({
    session: toSession(keys[index]!.sessionId, row),
    readings: readingsOf(row),
  }))
}

interface SessionMonitoringBatchRow extends MonitoringRow, SessionRow {
  i: number
  monitoring_active: boolean | null
}

/** `sessionMonitoringStatement` (postgres-by-session.ts) for many sessions at once. */
export function sessionMonitoringBatchStatement(prefix: string): PostgresStatement {
  const text = `
    SELECT q.i, s.account_key, s.account_id, s.kind, s.created_at, s.expires_at,
           a.monitoring_active, a.last_upload_at, r.receiver_id, r.serial_number
    FROM unnest($1::uuid[]) WITH ORDINALITY AS q(session_id, i)
    JOIN ${prefix}sessions AS s ON s.session_id = q.session_id
    LEFT JOIN ${prefix}accounts AS a ON a.account_key = s.account_key
    LEFT JOIN ${prefix}receivers AS r ON r.account_key = s.account_key`
  return {
    name: 'glucoshare_read_monitoring_by_sessions',
    text: text.replace(/\s+/g, ' ').trim(),
  }
}

/** Runs {@link sessionMonitoringBatchStatement}: one answer per session id, in order. */
export async function readMonitoringBatch(
  run: PostgresRun,
  statement: PostgresStatement,
  sessionIds: readonly string[],
): Promise<(SessionMonitoring | undefined)[]> {
  const { rows } = await run<SessionMonitoringBatchRow>(statement, [sessionIds])
  return answersInKeyOrder(sessionIds.length, rows, (row, index) => ({
    session: toSession(sessionIds[index]!, row),
    monitoring: toMonitoring(row.monitoring_active === true, row),
  }))
}

/**
Each row's answer at the position of its key (`i`, from `WITH ORDINALITY`, counts from 1);
undefined for a key without a row (no such session).
*/
function answersInKeyOrder<R extends { i: number }, A>(
  count: number,
  rows: readonly R[],
  answer: (row: R, index: number) => A,
): (A | undefined)[] {
  const answers = new Array<A | undefined>(count).fill(undefined)
  for (const row of rows) {
    const index = Number(row.i) - 1
    answers[index] = answer(row, index)
  }
  return answers
}
