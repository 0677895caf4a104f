import { DEXCOM_TREND_NAMES } from '@glucoshare/sdk'

/**
A SELECT that answers an account's readings of the last window (parameters: account key, since),
newest first and at most `limit`, as one text: Share's EGV array exactly as `egvArrayJson`
(share/egv-json.ts) writes it, current or legacy form. SQLite builds the text in C: for a day of
readings that costs less than materialising 288 rows in JavaScript and serialising them there,
which is most of a 288-reading read (BENCHMARKS.md). The store conformance suite checks the text
against `egvArrayJson` for every trend and zone offset on both forms.

group_concat takes the rows in the order the subquery yields them (the primary key's, newest
first). SQLite documents that order as unspecified without an ORDER BY inside the aggregate, but
that costs a sort (about a third more per read); the conformance suite fails if a future SQLite
concatenates in another order.
*/
export function egvArrayJsonSql(limit: number, legacy: boolean): string {
  const open = legacy ? '/Date(' : 'Date('
  const close = legacy ? ')/' : ')'
  const trend = legacy
    ? 'trend'
    : `CASE trend ${DEXCOM_TREND_NAMES.map((name, i) => `WHEN ${i} THEN '"${name}"'`).join(' ')} ELSE '"None"' END`
  const zone = `printf('%s%02d%02d', iif(offset_minutes < 0, '-', '+'), abs(offset_minutes) / 60, abs(offset_minutes) % 60)`
  const time = `'"${open}' || system_time || '${close}"'`
  const egv =
    `'{"WT":' || ${time} || ',"ST":' || ${time} || ',"DT":"${open}' || system_time || ${zone} ||` +
    ` '${close}","Value":' || value || ',"Trend":' || ${trend} || '}'`
  return `SELECT '[' || coalesce(group_concat(${egv}, ','), '') || ']'
    FROM (SELECT system_time, offset_minutes, value, trend FROM readings
          WHERE account_key = ? AND system_time >= ? ORDER BY system_time DESC LIMIT ${limit})`
}
