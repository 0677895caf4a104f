import type { QueryResult, QueryResultRow } from 'pg'
import type { Account, Reading, SessionMonitoring, SessionReadings } from '../store.js'
import { toMonitoring, toSession, type MonitoringRow, type SessionRow } from '../store-rows.js'
import type { PostgresStatement } from './postgres-statements.js'

/** One row: part 0 is the session (reading columns null), part 1 one reading (session columns null). */
interface SessionReadingRow {
  part: number
  account_key: number | null
  account_id: string | null
  kind: Account['kind'] | null
  created_at: number | null
  expires_at: number | null
  system_time: number | null
  offset_minutes: number | null
  value: number | null
  trend: number | null
}

/** How this part of the store reaches PostgreSQL: the store's pooled statement runner. */
export type PostgresRun = <R extends QueryResultRow>(
  statement: PostgresStatement,
  values: unknown[],
) => Promise<QueryResult<R>>

/** A row of {@link latestOneStatement}: the session, and its newest reading or nulls. */
export interface SessionWithReadingRow extends SessionRow {
  system_time: number | null
  offset_minutes: number | null
  value: number | null
  trend: number | null
}

/** The reading of a {@link SessionWithReadingRow}: none when its columns are null. */
export function readingsOf(row: SessionWithReadingRow): Reading[] {
  if (row.system_time === null) return []
  return [
    {
      systemTime: row.system_time,
      offsetMinutes: row.offset_minutes!,
      value: row.value!,
      trend: row.trend!,
    },
  ]
}

/**
The session and its account's newest reading, for a limit of one: the session row joined with a
lateral subquery that scans the readings' primary key backwards and stops at the first. The
cheapest form for PostgreSQL of those measured (BENCHMARKS.md): about 125 µs of backend CPU
against 160 for the union below and 180 for two statements.
*/
export function latestOneStatement(prefix: string): PostgresStatement {
  const text = `
    SELECT s.account_key, s.account_id, s.kind, s.created_at, s.expires_at,
           r.system_time, r.offset_minutes, r.value, r.trend
    FROM ${prefix}sessions AS s
    LEFT JOIN LATERAL (
      SELECT system_time, offset_minutes, value, trend FROM ${prefix}readings
      WHERE account_key = s.account_key AND system_time >= $2
      ORDER BY system_time DESC LIMIT 1
    ) AS r ON true
    WHERE s.session_id = $1`
  return { name: 'glucoshare_read_latest_one_by_session', text: text.replace(/\s+/g, ' ').trim() }
}

/**
The session and its account's newest readings in one statement, for larger limits: the session
row first, then the readings, each carrying nulls for the other's columns, so that the session
is not repeated (and parsed) on every reading row. The readings part finds the account with a
scalar subquery, which keeps the backward primary key scan that stops at the limit; written as
a plain join, the generic plan reads and sorts every reading of the window (perf-ceiling.md §2).
On a distributed PostgreSQL (sessions and readings sharded differently) these would become two
statements behind the same store method.
*/
export function latestManyStatement(prefix: string): PostgresStatement {
  const text = `
    SELECT * FROM (
      SELECT 0 AS part, account_key, account_id, kind, created_at, expires_at,
             NULL::bigint AS system_time, NULL::smallint AS offset_minutes,
             NULL::integer AS value, NULL::smallint AS trend
      FROM ${prefix}sessions WHERE session_id = $1
      UNION ALL
      (SELECT 1, NULL, NULL, NULL, NULL, NULL, system_time, offset_minutes, value, trend
       FROM ${prefix}readings
       WHERE account_key = (SELECT account_key FROM ${prefix}sessions WHERE session_id = $1)
         AND system_time >= $2
       ORDER BY system_time DESC LIMIT $3)
    ) AS found
    ORDER BY part, system_time DESC`
  return { name: 'glucoshare_read_latest_by_session', text: text.replace(/\s+/g, ' ').trim() }
}

/** The two statements of `readLatestBySession`. */
export interface LatestBySessionStatements {
  readonly one: PostgresStatement
  readonly many: PostgresStatement
}

/** Runs the statement that fits `limit` and splits its rows into the session and its readings. */
export async function readLatestBySession(
  run: PostgresRun,
  statements: LatestBySessionStatements,
  sessionId: string,
  since: number,
  limit: number,
): Promise<SessionReadings | undefined> {
  const count = Math.max(0, Math.trunc(limit))
  if (count <= 1) {
    const { rows } = await run<SessionWithReadingRow>(statements.one, [sessionId, since])
    const row = rows[0]
    if (!row) return undefined
    return { session: toSession(sessionId, row), readings: count === 1 ? readingsOf(row) : [] }
  }
  const { rows } = await run<SessionReadingRow>(statements.many, [sessionId, since, count])
  const first = rows[0]
  if (!first || first.part !== 0) return undefined
  const readings: Reading[] = []
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i]!
    readings.push({
      systemTime: row.system_time!,
      offsetMinutes: row.offset_minutes!,
      value: row.value!,
      trend: row.trend!,
    })
  }
  return {
    session: toSession(sessionId, {
      account_key: first.account_key!,
      account_id: first.account_id!,
      kind: first.kind!,
      created_at: first.created_at!,
      expires_at: first.expires_at!,
    }),
    readings,
  }
}

/**
The session with its account's monitoring flag and receiver: every upload's first step, one round
trip instead of two. Sessions carry no foreign key to accounts here, hence the outer joins.
*/
export function sessionMonitoringStatement(prefix: string): PostgresStatement {
  const text = `
    SELECT s.account_key, s.account_id, s.kind, s.created_at, s.expires_at,
           a.monitoring_active, a.last_upload_at, r.receiver_id, r.serial_number
    FROM ${prefix}sessions AS s
    LEFT JOIN ${prefix}accounts AS a ON a.account_key = s.account_key
    LEFT JOIN ${prefix}receivers AS r ON r.account_key = s.account_key
    WHERE s.session_id = $1`
  return { name: 'glucoshare_read_monitoring_by_session', text: text.replace(/\s+/g, ' ').trim() }
}

interface SessionMonitoringRow extends MonitoringRow, SessionRow {
  monitoring_active: boolean | null
}

/** Runs {@link sessionMonitoringStatement}. */
export async function readMonitoringBySession(
  run: PostgresRun,
  statement: PostgresStatement,
  sessionId: string,
): Promise<SessionMonitoring | undefined> {
  const { rows } = await run<SessionMonitoringRow>(statement, [sessionId])
  const row = rows[0]
  if (!row) return undefined
  return {
    session: toSession(sessionId, row),
    monitoring: toMonitoring(row.monitoring_active === true, row),
  }
}
