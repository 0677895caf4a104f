/** The median of some numbers (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** The `p`-th percentile (0-100) of values sorted ascending, nearest rank. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!
}

/** `median (min–max)` of some numbers, each with `digits` decimals. */
export function spread(values: readonly number[], digits = 0): string {
  if (values.length === 0) return '–'
  const f = (v: number) => v.toFixed(digits)
  if (values.length === 1) return f(values[0]!)
  return `${f(median(values))} (${f(Math.min(...values))}–${f(Math.max(...values))})`
}
