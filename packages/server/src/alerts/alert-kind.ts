/**
The alerts the engine evaluates, in the order it evaluates them: urgent low comes before low
because urgent low suppresses low's notifications.
*/
export const ALERT_KINDS = [
  'urgentLow',
  'low',
  'high',
  'noData',
  'risingFast',
  'fallingFast',
  'urgentLowSoon',
] as const

/**
One alert. The first four are Share's (`FixedLowAlert`, `LowAlert`, `HighAlert`, `NoDataAlert`);
the last three are glucoshare extensions, off by default.
*/
export type AlertKind = (typeof ALERT_KINDS)[number]

/** Whether a value names an {@link AlertKind}. */
export function isAlertKind(value: unknown): value is AlertKind {
  return typeof value === 'string' && (ALERT_KINDS as readonly string[]).includes(value)
}
