import { DEXCOM_TREND_NAMES, formatOffset } from '@glucoshare/sdk'
import type { Reading } from '../store/store.js'

const TREND_JSON = DEXCOM_TREND_NAMES.map((name) => `"${name}"`)
const OFFSETS = new Map<number, string>()

// A publisher's zone offset repeats on every reading; there are fewer than 40 real ones.
function offsetText(offsetMinutes: number): string {
  let text = OFFSETS.get(offsetMinutes)
  if (text === undefined) {
    text = formatOffset(offsetMinutes)
    if (OFFSETS.size < 256) OFFSETS.set(offsetMinutes, text)
  }
  return text
}

/**
Serialises readings as Share's EGV array, keys in wire order (WT, ST, DT, Value, Trend).
Built as a string because this is the hottest path: 288 objects through JSON.stringify cost
about as much as the query (perf-ceiling.md §2). Each time is converted to text once and the
zone suffixes are cached, which halves the cost of a 288-reading answer (BENCHMARKS.md).
Current form: `Date(ms)` and string Trend. Legacy form: `/Date(ms)/` and integer Trend.
*/
export function egvArrayJson(readings: readonly Reading[], legacy: boolean): string {
  if (readings.length === 0) return '[]'
  const open = legacy ? '"/Date(' : '"Date('
  const close = legacy ? ')/"' : ')"'
  const parts = new Array<string>(readings.length)
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i]!
    const t = String(r.systemTime)
    const trend = legacy ? String(r.trend) : (TREND_JSON[r.trend] ?? '"None"')
    const date = `${open}${t}${close}`
    const dt = `${open}${t}${offsetText(r.offsetMinutes)}${close}`
    parts[i] = `{"WT":${date},"ST":${date},"DT":${dt},"Value":${r.value},"Trend":${trend}}`
  }
  return `[${parts.join(',')}]`
}
