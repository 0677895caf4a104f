import type { AlertConfig } from './alert-config.js'
import type { AlertEvent } from './alert-event.js'
import { ALERT_KINDS } from './alert-kind.js'
import type { AlertSlotState, AlertState } from './alert-state.js'
import { conditionKey, glucoseCondition, type GlucoseAlertKind } from './glucose-condition.js'
import type { GlucosePoint } from './glucose-trend.js'
import { stepAlert, type Observation } from './step-alert.js'

/** Everything one evaluation looks at. */
export interface EvaluateAlertsInput {
  readonly config: AlertConfig
  readonly state: AlertState
  /**
  The publisher's readings, newest first, covering at least the last hour (longer AlarmDelays
  rely on the state to remember when a run started).
  */
  readonly readings: readonly GlucosePoint[]
  /** Server time the newest reading arrived; `undefined` when there has never been one. */
  readonly lastDataAt: number | undefined
  /** Epoch ms. */
  readonly now: number
}

/** The next state, what happened, and when to evaluate again if no reading arrives. */
export interface EvaluateAlertsResult {
  readonly state: AlertState
  /** In {@link ALERT_KINDS} order. */
  readonly events: AlertEvent[]
  /**
  The earliest time after `now` at which evaluating again with no new readings could emit an
  event (an AlarmDelay elapsing, NoData's deadline, a re-alarm or the end of a silence);
  `undefined` when only new data can change anything.
  */
  readonly nextCheckAt: number | undefined
}

/**
Evaluates every alert of one subscription at `now`. Pure: the same input gives the same output,
so it runs on each upload and from a timer at `nextCheckAt` alike.
*/
export function evaluateAlerts(input: EvaluateAlertsInput): EvaluateAlertsResult {
  const { config, state, now } = input
  const readings = [...input.readings].sort((a, b) => b.systemTime - a.systemTime)
  const newest = readings[0]
  const lastDataAt = latest(input.lastDataAt ?? null, state.lastDataAt)
  const alerts = { ...state.alerts }
  const events: AlertEvent[] = []
  let nextCheckAt: number | undefined

  for (const kind of ALERT_KINDS) {
    let slot = alerts[kind]
    let observation: Observation
    if (kind === 'noData') {
      const since = lastDataAt ?? state.startedAt
      if (slot.since !== null && slot.since !== since) {
        // New data ends the episode; a later silence starts a fresh one from the new data.
        const ended = stepAlert({
          kind,
          slot,
          timing: config.noData,
          now,
          suppressed: false,
          observation: { status: 'ended', reason: 'data-arrived', details: dataDetails(since) },
        })
        events.push(...ended.events)
        slot = ended.slot
      }
      observation = {
        status: 'holds',
        since,
        conditionKey: 'noData',
        details: lastDataAt === null ? {} : dataDetails(lastDataAt),
        actUntil: Number.POSITIVE_INFINITY,
      }
    } else {
      observation = observeGlucose(kind, config, readings, slot, now)
    }
    const step = stepAlert({
      kind,
      slot,
      timing: config[kind],
      observation,
      now,
      suppressed: kind === 'low' && alerts.urgentLow.firing,
    })
    alerts[kind] = step.slot
    events.push(...step.events)
    nextCheckAt = earliest(nextCheckAt, step.nextCheckAt)
  }

  return {
    state: {
      version: 1,
      startedAt: state.startedAt,
      lastDataAt,
      lastReadingTime: latest(newest?.systemTime ?? null, state.lastReadingTime),
      alerts,
    },
    events,
    nextCheckAt,
  }
}

/**
A glucose alert acts only on a fresh newest reading. The run is the newest readings that all
meet the condition; when every given reading meets it, the run may have started earlier, as the
state remembers.
*/
function observeGlucose(
  kind: GlucoseAlertKind,
  config: AlertConfig,
  readings: readonly GlucosePoint[],
  slot: AlertSlotState,
  now: number,
): Observation {
  const newest = readings[0]
  if (newest === undefined || now - newest.systemTime > config.staleAfterMs) {
    return { status: 'unknown' }
  }
  const match = glucoseCondition(kind, config, readings, 0)
  const reading = { value: newest.value, readingTime: newest.systemTime }
  if (match === undefined) return { status: 'unknown' }
  if (match === false) return { status: 'ended', reason: 'condition-ended', details: reading }

  let start = newest.systemTime
  let broken = false
  for (let i = 1; i < readings.length; i++) {
    const earlier = glucoseCondition(kind, config, readings, i)
    if (earlier === undefined) break
    if (earlier === false) {
      broken = true
      break
    }
    start = (readings[i] as GlucosePoint).systemTime
  }
  const key = conditionKey(kind, config)
  const remembered = !broken && slot.since !== null && slot.conditionKey === key
  return {
    status: 'holds',
    since: remembered ? Math.min(slot.since as number, start) : start,
    conditionKey: key,
    details: { ...reading, ...match },
    actUntil: newest.systemTime + config.staleAfterMs,
  }
}

function dataDetails(lastDataAt: number): { lastDataAt: number } {
  return { lastDataAt }
}

function latest(a: number | null, b: number | null): number | null {
  if (a === null) return b
  return b === null ? a : Math.max(a, b)
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b
  return b === undefined ? a : Math.min(a, b)
}
