import { DEXCOM_TREND_NAMES, formatOffset } from '@glucoshare/sdk'
import type { Reading } from '../store/store.js'

/**
Serialises readings as Share's EGV array, keys in wire order (WT, ST, DT, Value, Trend).
Built as a string because this is the hottest path: 288 objects through JSON.stringify cost
about as much as the query (perf-ceiling.md §2).
Current form: `Date(ms)` and string Trend. Legacy form: `/Date(ms)/` and integer Trend.
*/
export function egvArrayJson(readings: readonly Reading[], legacy: boolean): string {
  if (readings.length === 0) return '[]'
  const open = legacy ? '"/Date(' : '"Date('
  const close = legacy ? ')/"' : ')"'
  const parts: string[] = []
  for (const r of readings) {
    const t = r.systemTime
    const trend = legacy ? String(r.trend) : `"${DEXCOM_TREND_NAMES[r.trend] ?? 'None'}"`
    parts.push(
      `{"WT":${open}${t}${close},"ST":${open}${t}${close},"DT":${open}${t}${formatOffset(r.offsetMinutes)}${close},"Value":${r.value},"Trend":${trend}}`,
    )
  }
  return `[${parts.join(',')}]`
}
