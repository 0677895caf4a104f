import { DEFAULT_ALERTS } from '../operations/publisher/alert-settings.js'
import { acknowledgeAlert } from './acknowledge-alert.js'
import { alertConfigFrom, type AlertConfig } from './alert-config.js'
import type { AlertEvent } from './alert-event.js'
import type { AlertKind } from './alert-kind.js'
import { initialAlertState, type AlertState } from './alert-state.js'
import { evaluateAlerts } from './evaluate-alerts.js'
import type { GlucosePoint } from './glucose-trend.js'

/** An arbitrary epoch for minute 0 of every trace. */
export const T0 = Date.UTC(2025, 5, 1, 12, 0, 0)
export const MINUTE = 60_000
export const at = (minute: number): number => T0 + minute * MINUTE

/** `[minute, mg/dL]`, or `[minute, mg/dL, arrival minute]` for a reading uploaded late. */
export type TracePoint = readonly [number, number] | readonly [number, number, number]

/** Readings every 5 minutes from `fromMinute`. */
export function every5(fromMinute: number, values: readonly number[]): TracePoint[] {
  return values.map((value, i) => [fromMinute + 5 * i, value] as const)
}

/** The four Share alerts enabled with xDrip+'s defaults; the extra alerts off. */
export const SHARE_DEFAULTS: AlertConfig = alertConfigFrom({
  HighAlert: { ...DEFAULT_ALERTS.HighAlert, IsEnabled: true },
  LowAlert: { ...DEFAULT_ALERTS.LowAlert, IsEnabled: true },
  FixedLowAlert: { ...DEFAULT_ALERTS.FixedLowAlert, IsEnabled: true },
  NoDataAlert: { ...DEFAULT_ALERTS.NoDataAlert, IsEnabled: true },
})

type ConfigPatch = {
  [K in keyof AlertConfig]?: AlertConfig[K] extends object
    ? Partial<AlertConfig[K]>
    : AlertConfig[K]
}

/** {@link SHARE_DEFAULTS} with some members changed; `only` disables every other alert. */
export function configWith(patch: ConfigPatch, options: { only?: boolean } = {}): AlertConfig {
  const config: Record<string, unknown> = { ...SHARE_DEFAULTS }
  for (const [key, base] of Object.entries(SHARE_DEFAULTS)) {
    if (typeof base !== 'object') continue
    const enabled = options.only ? { enabled: key in patch } : {}
    config[key] = { ...base, ...enabled, ...(patch[key as keyof AlertConfig] as object) }
  }
  if (patch.staleAfterMs !== undefined) config['staleAfterMs'] = patch.staleAfterMs
  return config as unknown as AlertConfig
}

/** A trace to play through the engine. */
export interface TraceRun {
  readonly config: AlertConfig
  readonly points: readonly TracePoint[]
  /** Minute the state is created. @default the first point's arrival, or 0 */
  readonly start?: number
  /** Last minute simulated. @default the last reading's arrival */
  readonly until?: number
  /** Acknowledgements, each right after the evaluation at its minute. */
  readonly acks?: readonly (readonly [number, AlertKind])[]
  /** Evaluate at these minutes besides arrivals and timers. */
  readonly checks?: readonly number[]
  /** `nextCheckAt` (a scheduler) or every minute (brute force). @default 'timers' */
  readonly schedule?: 'timers' | 'everyMinute'
  /** Round-trip the state through JSON between evaluations, as persistence does. */
  readonly persist?: boolean
  /** Config changes from a minute on. */
  readonly configAt?: readonly (readonly [number, AlertConfig])[]
}

/** What a run produced: events as `"minute kind type"` lines, and the full events and states. */
export interface TraceResult {
  readonly lines: string[]
  readonly events: AlertEvent[]
  readonly state: AlertState
  readonly evaluations: number
}

const arrival = (p: TracePoint): number => p[2] ?? p[0]

/** Plays a trace, evaluating at each upload, each acknowledgement and each `nextCheckAt`. */
export function runTrace(run: TraceRun): TraceResult {
  const start = run.start ?? Math.min(0, ...run.points.map(arrival))
  const until = run.until ?? Math.max(start, ...run.points.map(arrival))
  const fixed = new Set<number>([
    ...run.points.map(arrival),
    ...(run.acks ?? []).map(([m]) => m),
    ...(run.checks ?? []),
    ...(run.configAt ?? []).map(([m]) => m),
  ])
  let state = initialAlertState(at(start))
  let timer: number | undefined
  const events: AlertEvent[] = []
  let evaluations = 0
  let minute = start
  while (minute <= until) {
    const now = at(minute)
    const config = configAtMinute(run, minute)
    const visible = run.points.filter((p) => arrival(p) <= minute)
    const readings: GlucosePoint[] = visible
      .filter(([m]) => m >= minute - 60)
      .map(([m, value]) => ({ systemTime: at(m), value }))
      .sort((a, b) => b.systemTime - a.systemTime)
    const arrived = visible.map(arrival)
    const lastDataAt = arrived.length > 0 ? at(Math.max(...arrived)) : undefined
    const evaluate = () => {
      evaluations++
      const result = evaluateAlerts({ config, state, readings, lastDataAt, now })
      state = run.persist ? (JSON.parse(JSON.stringify(result.state)) as AlertState) : result.state
      events.push(...result.events)
      timer = result.nextCheckAt
    }
    evaluate()
    const acks = (run.acks ?? []).filter(([m]) => m === minute)
    for (const [, kind] of acks) {
      const acked = acknowledgeAlert(state, config, kind, now)
      state = acked.state
      if (acked.event) events.push(acked.event)
    }
    if (acks.length > 0) evaluate()
    minute = nextMinute(run, minute, fixed, timer)
  }
  const lines = events.map((e) => `${(e.at - T0) / MINUTE} ${e.kind} ${e.type}`)
  return { lines, events, state, evaluations }
}

function configAtMinute(run: TraceRun, minute: number): AlertConfig {
  let config = run.config
  for (const [m, c] of run.configAt ?? []) if (m <= minute) config = c
  return config
}

function nextMinute(
  run: TraceRun,
  minute: number,
  fixed: ReadonlySet<number>,
  timer: number | undefined,
): number {
  if (run.schedule === 'everyMinute') return minute + 1
  let next = Number.POSITIVE_INFINITY
  for (const m of fixed) if (m > minute && m < next) next = m
  if (timer !== undefined) {
    const timerMinute = (timer - T0) / MINUTE
    if (timerMinute <= minute) throw new Error(`nextCheckAt ${timerMinute} is not after ${minute}`)
    next = Math.min(next, timerMinute)
  }
  return next
}
