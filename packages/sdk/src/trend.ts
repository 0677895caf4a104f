/**
Trend arrows in every form the wire and its neighbours use (spec 4.3): the integer 0-9, Share's
names (`Flat`, `FortyFiveUp`), Nightscout's direction names (`NOT COMPUTABLE`), arrows and
descriptions.
@module
*/

/** Share's trend names, indexed by the trend integer. */
export const DEXCOM_TREND_NAMES = [
  'None',
  'DoubleUp',
  'SingleUp',
  'FortyFiveUp',
  'Flat',
  'FortyFiveDown',
  'SingleDown',
  'DoubleDown',
  'NotComputable',
  'RateOutOfRange',
] as const

/** A Share trend name as current responses spell it. */
export type TrendName = (typeof DEXCOM_TREND_NAMES)[number]

/** The trend integer, 0 (none) to 9 (rate out of range). */
export type Trend = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9

/** Nightscout `direction` names, indexed by the trend integer (share2nightscout-bridge, nightscout-connect). */
export const NIGHTSCOUT_DIRECTIONS = [
  'NONE',
  'DoubleUp',
  'SingleUp',
  'FortyFiveUp',
  'Flat',
  'FortyFiveDown',
  'SingleDown',
  'DoubleDown',
  'NOT COMPUTABLE',
  'RATE OUT OF RANGE',
] as const

/** A Nightscout direction name. */
export type NightscoutDirection = (typeof NIGHTSCOUT_DIRECTIONS)[number]

/** Arrows, indexed by the trend integer. */
export const TREND_ARROWS = ['', '↑↑', '↑', '↗', '→', '↘', '↓', '↓↓', '?', '-'] as const

/** Plain-language descriptions, indexed by the trend integer. */
export const TREND_DESCRIPTIONS = [
  '',
  'rising quickly',
  'rising',
  'rising slightly',
  'steady',
  'falling slightly',
  'falling',
  'falling quickly',
  'unable to determine trend',
  'trend unavailable',
] as const

// Keys are lower-case with spaces, underscores and hyphens removed, as the bridges and xDrip compare them.
const TREND_BY_KEY = new Map<string, Trend>()
for (const table of [DEXCOM_TREND_NAMES, NIGHTSCOUT_DIRECTIONS]) {
  table.forEach((name, trend) => TREND_BY_KEY.set(trendKey(name), trend as Trend))
}
// Aliases seen in clients: TTN's enum name, NightscoutShareServer's and Nightscout's spellings.
TREND_BY_KEY.set('outofrange', 9)
TREND_BY_KEY.set('none', 0)
TREND_BY_KEY.set('', 0)

function trendKey(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '')
}

/** True when `value` is an integer trend 0-9. */
export function isTrend(value: unknown): value is Trend {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 9
}

/**
Reads a trend from any of its forms: an integer 0-9, a digit string, a Share name or a Nightscout
direction, compared without regard to case, spaces, hyphens or underscores.
Returns `undefined` when the value names no trend.
*/
export function parseTrend(value: unknown): Trend | undefined {
  if (isTrend(value)) return value
  if (typeof value !== 'string') return undefined
  const trimmed = value.trim()
  if (/^\d$/.test(trimmed)) return Number(trimmed) as Trend
  return TREND_BY_KEY.get(trendKey(trimmed))
}

/** Share's name for a trend integer. */
export function trendName(trend: Trend): TrendName {
  return DEXCOM_TREND_NAMES[trend]
}

/** Nightscout's direction for a trend integer. */
export function nightscoutDirection(trend: Trend): NightscoutDirection {
  return NIGHTSCOUT_DIRECTIONS[trend]
}
