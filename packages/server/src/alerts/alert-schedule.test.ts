import { describe, expect, it } from 'vitest'
import { acknowledgeAlert } from './acknowledge-alert.js'
import { initialAlertState, restoreAlertState, type AlertState } from './alert-state.js'
import { evaluateAlerts } from './evaluate-alerts.js'
import { firingAlerts } from './firing-alerts.js'
import { MINUTE, at, configWith, every5, runTrace, type TracePoint } from './test-alert-trace.js'
import type { AlertConfig } from './alert-config.js'

const readingsOf = (points: readonly TracePoint[]) =>
  points.map(([m, value]) => ({ systemTime: at(m), value })).reverse()

/** Evaluates a trace whose readings all arrived on time, at `now` minutes. */
function evaluateAt(config: AlertConfig, points: readonly TracePoint[], now: number) {
  const last = points[points.length - 1]
  return evaluateAlerts({
    config,
    state: initialAlertState(at(0)),
    readings: readingsOf(points),
    lastDataAt: last === undefined ? undefined : at(last[0]),
    now: at(now),
  })
}

describe('nextCheckAt', () => {
  const lowOnly = configWith({ low: {} }, { only: true })

  it('is when a pending AlarmDelay elapses, if the newest reading is still fresh then', () => {
    expect(evaluateAt(lowOnly, every5(0, [65, 65, 65, 65, 65]), 20).nextCheckAt).toBe(at(30))
  })

  it('is undefined when the newest reading will be stale by then', () => {
    expect(evaluateAt(lowOnly, every5(0, [65, 65, 65]), 10).nextCheckAt).toBeUndefined()
  })

  it('is NoData’s deadline, counted from the last upload', () => {
    const config = configWith({ low: {}, noData: {} }, { only: true })
    expect(evaluateAt(config, every5(0, [65, 65, 65]), 10).nextCheckAt).toBe(at(70))
  })

  it('is NoData’s deadline from the state’s creation when there has never been data', () => {
    expect(evaluateAt(configWith({ noData: {} }, { only: true }), [], 5).nextCheckAt).toBe(at(60))
  })

  it('is the re-alarm time of a firing alert', () => {
    const config = configWith({ urgentLow: {} }, { only: true })
    const fired = evaluateAt(config, [[0, 50]], 0)
    expect(fired.events).toMatchObject([{ kind: 'urgentLow', type: 'fired' }])
    // Realarm at 30 needs a reading no older than 15 minutes then, so only a later upload helps.
    expect(fired.nextCheckAt).toBeUndefined()
    const later = evaluateAlerts({
      config,
      state: fired.state,
      readings: readingsOf(every5(0, [50, 50, 50, 50, 50])),
      lastDataAt: at(20),
      now: at(20),
    })
    expect(later.events).toEqual([])
    expect(later.nextCheckAt).toBe(at(30))
  })

  it('is the end of an acknowledgement’s silence', () => {
    const config = configWith({ urgentLow: {} }, { only: true })
    const readings = readingsOf(every5(0, [50, 50, 50, 50, 50]))
    const input = { config, readings, lastDataAt: at(20), now: at(20) }
    const fired = evaluateAlerts({ ...input, state: initialAlertState(at(0)) })
    const acked = acknowledgeAlert(fired.state, config, 'urgentLow', at(20))
    expect(acked.event).toEqual({
      kind: 'urgentLow',
      type: 'acknowledged',
      at: at(20),
      silencedUntil: at(50),
    })
    const after = evaluateAlerts({ ...input, state: acked.state })
    expect(after.events).toEqual([])
    // 50 is beyond the freshness of the reading at 20, so a timer is not needed yet.
    expect(after.nextCheckAt).toBeUndefined()
    const fresh = evaluateAlerts({
      ...input,
      state: after.state,
      readings: readingsOf(every5(0, repeat(50, 9))),
      lastDataAt: at(40),
      now: at(40),
    })
    expect(fresh.nextCheckAt).toBe(at(50))
  })

  it('is undefined when only new data can change anything', () => {
    const none = evaluateAt(configWith({}, { only: true }), every5(0, [50, 50]), 5)
    expect(none.nextCheckAt).toBeUndefined()
  })
})

const repeat = (value: number, count: number): number[] => Array<number>(count).fill(value)

/** A deterministic pseudo-random walk with falls, rises, flat stretches and upload gaps. */
function syntheticDay(seed: number): TracePoint[] {
  let x = seed
  const random = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31
    return x / 2 ** 31
  }
  const points: TracePoint[] = []
  let value = 120
  let slope = 0
  for (let minute = 0; minute <= 24 * 60; minute += 5) {
    if (random() < 0.08) slope = (random() - 0.5) * 8
    value = Math.round(Math.min(401, Math.max(39, value + slope * 5 + (random() - 0.5) * 6)))
    if (value === 39 || value === 401) slope = -slope / 2
    const gap = minute % 360 >= 200 && minute % 360 < 200 + 15 * (seed % 7)
    const late = random() < 0.05 ? Math.round(random() * 40) : 0
    if (!gap) points.push(late > 0 ? [minute, value, minute + late] : [minute, value])
  }
  return points
}

const everything = configWith({
  risingFast: { enabled: true, rate: 2 },
  fallingFast: { enabled: true, rate: 2, realarmDelayMs: 20 * MINUTE },
  urgentLowSoon: { enabled: true },
  low: { alarmDelayMs: 15 * MINUTE, realarmDelayMs: 45 * MINUTE },
  noData: { alarmDelayMs: 20 * MINUTE, realarmDelayMs: 25 * MINUTE },
})

describe('a scheduler that follows nextCheckAt', () => {
  it.each([1, 2, 3, 4, 5])(
    'misses nothing that evaluating every minute finds (synthetic day %i)',
    (seed) => {
      const points = syntheticDay(seed)
      const acks = [
        [300, 'high'],
        [301, 'urgentLow'],
        [302, 'low'],
        [700, 'noData'],
      ] as const
      const base = { config: everything, points, acks, until: 24 * 60 + 120 }
      const timers = runTrace(base)
      const brute = runTrace({ ...base, schedule: 'everyMinute' })
      expect(timers.lines.length).toBeGreaterThan(5)
      expect(timers.lines).toEqual(brute.lines)
      expect(timers.events).toEqual(brute.events)
      expect(timers.evaluations).toBeLessThan(brute.evaluations / 2)
    },
  )
})

describe('alert state persistence', () => {
  it('survives JSON unchanged and behaves identically after it', () => {
    for (const seed of [1, 2, 3]) {
      const base = {
        config: everything,
        points: syntheticDay(seed),
        acks: [[301, 'urgentLow']] as const,
      }
      const plain = runTrace(base)
      const persisted = runTrace({ ...base, persist: true })
      expect(persisted.events).toEqual(plain.events)
      expect(JSON.parse(JSON.stringify(plain.state))).toEqual(plain.state)
      expect(persisted.state).toEqual(plain.state)
    }
  })

  it('restores a persisted state as it was', () => {
    const { state } = runTrace({
      config: everything,
      points: every5(0, [80, 70, 60, 50, 45]),
      acks: [[20, 'urgentLow']],
    })
    expect(state.alerts.urgentLow.acknowledgedAt).toBe(at(20))
    const restored = restoreAlertState(JSON.parse(JSON.stringify(state)), at(100))
    expect(restored).toEqual(state)
  })

  it('falls back to an idle state for anything malformed', () => {
    const idle = initialAlertState(at(5))
    expect(restoreAlertState(null, at(5))).toEqual(idle)
    expect(restoreAlertState('{}', at(5))).toEqual(idle)
    expect(restoreAlertState({}, at(5))).toEqual(idle)
    const partial = restoreAlertState(
      { startedAt: at(1), alerts: { low: { firing: 'yes', since: 'x' }, unknown: {} } },
      at(5),
    )
    expect(partial).toEqual({ ...idle, startedAt: at(1) })
  })
})

describe('firingAlerts', () => {
  it('lists firing alerts with their silence', () => {
    const config = configWith({ urgentLow: { realarmDelayMs: 0 }, low: {} }, { only: true })
    const { state } = runTrace({
      config,
      points: every5(0, [65, 60, 50]),
      acks: [[10, 'urgentLow']],
    })
    expect(firingAlerts(state, at(500))).toEqual([
      {
        kind: 'urgentLow',
        since: at(10),
        firedAt: at(10),
        lastNotifiedAt: at(10),
        acknowledgedAt: at(10),
        silenced: true,
        silencedUntil: null,
      },
    ])
    expect(firingAlerts(initialAlertState(at(0)), at(0))).toEqual([])
  })

  it('shows a silence that ended as not silenced', () => {
    const config = configWith({ urgentLow: {} }, { only: true })
    const { state } = runTrace({ config, points: every5(0, [50, 50]), acks: [[5, 'urgentLow']] })
    expect(firingAlerts(state, at(34))[0]?.silenced).toBe(true)
    expect(firingAlerts(state, at(35))[0]?.silenced).toBe(false)
  })
})

describe('acknowledgeAlert', () => {
  it('does nothing to an alert that is not firing', () => {
    const state: AlertState = initialAlertState(at(0))
    const config = configWith({})
    expect(acknowledgeAlert(state, config, 'high', at(1))).toEqual({ state, event: undefined })
  })

  it('silences until the condition clears when RealarmDelay is 0', () => {
    const config = configWith({ high: { alarmDelayMs: 0, realarmDelayMs: 0 } }, { only: true })
    const fired = evaluateAt(config, [[0, 250]], 0)
    const acked = acknowledgeAlert(fired.state, config, 'high', at(3))
    expect(acked.event).toEqual({
      kind: 'high',
      type: 'acknowledged',
      at: at(3),
      silencedUntil: null,
    })
    expect(acked.state.alerts.high).toMatchObject({ acknowledgedAt: at(3), silencedUntil: null })
    // The original state is not changed.
    expect(fired.state.alerts.high.acknowledgedAt).toBeNull()
  })
})
