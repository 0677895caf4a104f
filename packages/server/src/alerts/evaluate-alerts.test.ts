import { describe, expect, it } from 'vitest'
import { DEFAULT_ALERTS } from '../operations/publisher/alert-settings.js'
import { alertConfigFrom } from './alert-config.js'
import { MINUTE, at, configWith, every5, runTrace, type TraceRun } from './test-alert-trace.js'

interface Scenario extends TraceRun {
  readonly name: string
  readonly expected: readonly string[]
}

const repeat = (value: number, count: number): number[] => Array<number>(count).fill(value)

const urgentLowOnly = configWith({ urgentLow: {} }, { only: true })
const lowOnly = configWith({ low: {} }, { only: true })
const highOnly = configWith({ high: {} }, { only: true })
const noDataOnly = configWith({ noData: {} }, { only: true })

const scenarios: Record<string, readonly Scenario[]> = {
  'urgent low (FixedLow 55, PT0M, re-alarm PT30M)': [
    {
      name: 'fires on the first reading at or below 55',
      config: urgentLowOnly,
      points: every5(0, [70, 62, 56, 55, 54]),
      expected: ['15 urgentLow fired'],
    },
    {
      name: 'does not fire at 56',
      config: urgentLowOnly,
      points: every5(0, [60, 58, 56, 56]),
      expected: [],
    },
    {
      name: 'counts a LOW reading (39) as urgent low',
      config: urgentLowOnly,
      points: every5(0, [60, 39]),
      expected: ['5 urgentLow fired'],
    },
    {
      name: 're-alarms every 30 minutes while it lasts',
      config: urgentLowOnly,
      points: every5(0, repeat(50, 15)),
      expected: ['0 urgentLow fired', '30 urgentLow realarm', '60 urgentLow realarm'],
    },
    {
      name: 'clears once when a fresh reading is above 55, and fires again when it returns',
      config: urgentLowOnly,
      points: every5(0, [50, 52, 60, 65, 54]),
      expected: ['0 urgentLow fired', '10 urgentLow cleared', '20 urgentLow fired'],
    },
  ],
  'low (70, PT30M, re-alarm PT2H)': [
    {
      name: 'fires once the condition has lasted 30 minutes',
      config: lowOnly,
      points: every5(0, [70, 68, 66, 64, 62, 64, 66]),
      expected: ['30 low fired'],
    },
    {
      name: 'restarts the delay after a single reading above 70',
      config: lowOnly,
      points: every5(0, [65, 65, 65, 71, ...repeat(65, 7)]),
      expected: ['50 low fired'],
    },
    {
      name: 'fires from a timer when the delay elapses and the newest reading is still fresh',
      config: lowOnly,
      points: every5(0, repeat(65, 6)),
      until: 40,
      expected: ['30 low fired'],
    },
    {
      name: 'does not fire from a timer on a reading that is stale by then',
      config: lowOnly,
      points: every5(0, repeat(65, 3)),
      until: 60,
      expected: [],
    },
    {
      name: 're-alarms two hours after firing',
      config: lowOnly,
      points: every5(0, repeat(65, 31)),
      expected: ['30 low fired', '150 low realarm'],
    },
  ],
  'high (200, PT1H, re-alarm PT2H)': [
    {
      name: 'fires after an hour at or above 200, counting HIGH (401)',
      config: highOnly,
      points: every5(0, [200, 220, 401, 401, 300, 250, 240, 230, 220, 210, 205, 201, 200]),
      expected: ['60 high fired'],
    },
    {
      name: 'does not fire at 199',
      config: highOnly,
      points: every5(0, repeat(199, 20)),
      expected: [],
    },
    {
      name: 'clears at 199 and then needs a full hour again',
      config: highOnly,
      points: every5(0, [...repeat(250, 13), 199, ...repeat(250, 13)]),
      expected: ['60 high fired', '65 high cleared', '130 high fired'],
    },
    {
      name: 're-alarms every two hours',
      config: highOnly,
      points: every5(0, repeat(250, 37)),
      expected: ['60 high fired', '180 high realarm'],
    },
    {
      name: 'remembers the start of a run longer than the readings given (PT3H)',
      config: configWith({ high: { alarmDelayMs: 180 * MINUTE } }, { only: true }),
      points: every5(0, repeat(250, 40)),
      expected: ['180 high fired'],
    },
  ],
  'no data (PT1H, re-alarm PT0M)': [
    {
      name: 'fires from a timer an hour after the last upload, once',
      config: noDataOnly,
      points: [[0, 120]],
      until: 300,
      expected: ['60 noData fired'],
    },
    {
      name: 'clears when data arrives, and fires again an hour later',
      config: noDataOnly,
      points: [
        [0, 120],
        [90, 120],
      ],
      until: 160,
      expected: ['60 noData fired', '90 noData cleared', '150 noData fired'],
    },
    {
      name: 'counts from the state’s creation when there has never been data',
      config: noDataOnly,
      points: [],
      until: 200,
      expected: ['60 noData fired'],
    },
    {
      name: 're-alarms per its RealarmDelay',
      config: configWith({ noData: { realarmDelayMs: 30 * MINUTE } }, { only: true }),
      points: [[0, 120]],
      until: 130,
      expected: ['60 noData fired', '90 noData realarm', '120 noData realarm'],
    },
    {
      name: 'treats PT0M as 15 minutes',
      config: alertConfigFrom({
        ...DEFAULT_ALERTS,
        NoDataAlert: { ...DEFAULT_ALERTS.NoDataAlert, IsEnabled: true, AlarmDelayMs: 0 },
      }),
      points: every5(0, [120, 120]),
      until: 40,
      expected: ['20 noData fired'],
    },
    {
      name: 'measures the upload’s arrival, not the reading’s time',
      config: noDataOnly,
      points: [[-10, 120, 50]],
      start: 0,
      until: 120,
      expected: ['110 noData fired'],
    },
  ],
  'stale data (older than 15 minutes)': [
    {
      name: 'no re-alarm on a stale reading; NoData takes over',
      config: configWith({ urgentLow: {}, noData: {} }, { only: true }),
      points: [[0, 50]],
      until: 130,
      expected: ['0 urgentLow fired', '60 noData fired'],
    },
    {
      name: 'a reading uploaded late neither clears nor re-alarms; the next fresh one clears',
      config: urgentLowOnly,
      points: [
        [0, 50],
        [5, 100, 30],
        [35, 100],
      ],
      expected: ['0 urgentLow fired', '35 urgentLow cleared'],
    },
    {
      name: 'backfilled low readings do not fire',
      config: urgentLowOnly,
      points: [
        [0, 50, 30],
        [5, 50, 30],
      ],
      expected: [],
    },
    {
      name: 'the limit is configurable',
      config: configWith({ urgentLow: {}, staleAfterMs: 30 * MINUTE }, { only: true }),
      points: [
        [0, 50],
        [5, 100, 30],
      ],
      expected: ['0 urgentLow fired', '30 urgentLow cleared'],
    },
  ],
  acknowledgement: [
    {
      name: 'silences urgent low for its RealarmDelay, then it re-alarms',
      config: urgentLowOnly,
      points: every5(0, repeat(50, 15)),
      acks: [[5, 'urgentLow']],
      expected: [
        '0 urgentLow fired',
        '5 urgentLow acknowledged',
        '35 urgentLow realarm',
        '65 urgentLow realarm',
      ],
    },
    {
      name: 'a second acknowledgement restarts the silence',
      config: urgentLowOnly,
      points: every5(0, repeat(50, 18)),
      acks: [
        [5, 'urgentLow'],
        [20, 'urgentLow'],
      ],
      expected: [
        '0 urgentLow fired',
        '5 urgentLow acknowledged',
        '20 urgentLow acknowledged',
        '50 urgentLow realarm',
        '80 urgentLow realarm',
      ],
    },
    {
      name: 'acknowledging an alert that is not firing does nothing',
      config: urgentLowOnly,
      points: every5(0, [100, 100, 50]),
      acks: [[5, 'urgentLow']],
      expected: ['10 urgentLow fired'],
    },
    {
      name: 'after clearing, a new episode fires regardless of the old acknowledgement',
      config: urgentLowOnly,
      points: every5(0, [50, 50, 60, 50]),
      acks: [[5, 'urgentLow']],
      expected: [
        '0 urgentLow fired',
        '5 urgentLow acknowledged',
        '10 urgentLow cleared',
        '15 urgentLow fired',
      ],
    },
  ],
  'urgent low wins over low': [
    {
      name: 'low stays quiet while urgent low fires, and fires when urgent low clears',
      config: configWith({ urgentLow: {}, low: {} }, { only: true }),
      points: every5(0, [70, 65, 60, 55, 50, 50, 50, 50, 55, 60, 65, 70, 75]),
      expected: ['15 urgentLow fired', '45 urgentLow cleared', '45 low fired', '60 low cleared'],
    },
    {
      name: 'a firing low does not re-alarm while urgent low fires',
      config: configWith({ urgentLow: {}, low: { realarmDelayMs: 30 * MINUTE } }, { only: true }),
      points: every5(0, [...repeat(65, 7), ...repeat(50, 14), 60]),
      expected: [
        '30 low fired',
        '35 urgentLow fired',
        '65 urgentLow realarm',
        '95 urgentLow realarm',
        '105 urgentLow cleared',
        '105 low realarm',
      ],
    },
  ],
  'rising fast and falling fast (3 mg/dL/min)': [
    {
      name: 'rising fast fires when the fitted slope reaches the rate, and clears below it',
      config: configWith({ risingFast: { enabled: true } }, { only: true }),
      points: every5(0, [100, 115, 130, 145, 150, 152]),
      expected: ['10 risingFast fired', '20 risingFast cleared'],
    },
    {
      name: 'a slope of 2.9 is not rising fast at 3',
      config: configWith({ risingFast: { enabled: true } }, { only: true }),
      points: every5(0, [100, 114, 129]),
      expected: [],
    },
    {
      name: 'a slope of 2.9 is rising fast at 2',
      config: configWith({ risingFast: { enabled: true, rate: 2 } }, { only: true }),
      points: every5(0, [100, 114, 129]),
      expected: ['10 risingFast fired'],
    },
    {
      name: 'falling fast fires at −3 and clears at −2.7',
      config: configWith({ fallingFast: { enabled: true } }, { only: true }),
      points: every5(0, [200, 185, 170, 160, 158]),
      expected: ['10 fallingFast fired', '15 fallingFast cleared'],
    },
    {
      name: 'needs three readings spanning 10 minutes',
      config: configWith({ risingFast: { enabled: true } }, { only: true }),
      points: [
        [0, 100],
        [5, 115],
        [20, 160],
      ],
      expected: [],
    },
  ],
  'urgent low soon (55 within 20 minutes)': [
    {
      name: 'fires when 55 is predicted within 20 minutes',
      config: configWith({ urgentLowSoon: { enabled: true } }, { only: true }),
      points: every5(0, [100, 95, 90, 85, 80, 75]),
      expected: ['25 urgentLowSoon fired'],
    },
    {
      name: 'clears at 55, where urgent low takes over',
      config: configWith({ urgentLow: {}, urgentLowSoon: { enabled: true } }, { only: true }),
      points: every5(0, [100, 95, 90, 85, 80, 75, 70, 65, 60, 55]),
      expected: ['25 urgentLowSoon fired', '45 urgentLow fired', '45 urgentLowSoon cleared'],
    },
    {
      name: 'does not fire on a flat trace just above 55',
      config: configWith({ urgentLowSoon: { enabled: true } }, { only: true }),
      points: every5(0, repeat(60, 10)),
      expected: [],
    },
  ],
  'configuration changes': [
    {
      name: 'disabled alerts never fire',
      config: alertConfigFrom(DEFAULT_ALERTS),
      points: [...every5(0, repeat(39, 12)), ...every5(200, repeat(401, 30))],
      until: 400,
      expected: [],
    },
    {
      name: 'disabling a firing alert clears it',
      config: urgentLowOnly,
      points: every5(0, repeat(50, 5)),
      configAt: [[10, configWith({}, { only: true })]],
      expected: ['0 urgentLow fired', '10 urgentLow cleared'],
    },
    {
      name: 'enabling an alert counts the run the readings show',
      config: configWith({}, { only: true }),
      points: every5(0, repeat(65, 10)),
      configAt: [[40, lowOnly]],
      expected: ['40 low fired'],
    },
    {
      name: 'a new threshold restarts a run remembered from before it',
      config: configWith({ high: { alarmDelayMs: 120 * MINUTE } }, { only: true }),
      points: every5(0, repeat(250, 33)),
      configAt: [
        [90, configWith({ high: { alarmDelayMs: 120 * MINUTE, threshold: 240 } }, { only: true })],
      ],
      expected: ['150 high fired'],
    },
  ],
}

for (const [group, cases] of Object.entries(scenarios)) {
  describe(group, () => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, scenario) => {
      const run: TraceRun = scenario
      expect(runTrace(run).lines).toEqual(scenario.expected)
      // The same trace evaluated every minute, or through JSON persistence, behaves the same.
      expect(runTrace({ ...run, schedule: 'everyMinute' }).lines).toEqual(scenario.expected)
      expect(runTrace({ ...run, persist: true }).lines).toEqual(scenario.expected)
    })
  })
}

describe('event contents', () => {
  it('carries the reading, threshold and condition start', () => {
    const { events } = runTrace({ config: lowOnly, points: every5(0, repeat(65, 7)) })
    expect(events).toEqual([
      {
        kind: 'low',
        type: 'fired',
        at: at(30),
        since: at(0),
        value: 65,
        readingTime: at(30),
        threshold: 70,
      },
    ])
  })

  it('says why an alert cleared', () => {
    const disabled = runTrace({
      config: urgentLowOnly,
      points: every5(0, [50, 50]),
      configAt: [[5, configWith({}, { only: true })]],
    })
    expect(disabled.events[1]).toMatchObject({ type: 'cleared', reason: 'disabled' })
    const ended = runTrace({ config: urgentLowOnly, points: every5(0, [50, 80]) })
    expect(ended.events[1]).toMatchObject({ type: 'cleared', reason: 'condition-ended', value: 80 })
    const arrived = runTrace({
      config: noDataOnly,
      points: [
        [0, 100],
        [70, 100],
      ],
    })
    expect(arrived.events[1]).toMatchObject({ type: 'cleared', reason: 'data-arrived' })
  })

  it('gives the rate and the prediction of trend alerts', () => {
    const soon = runTrace({
      config: configWith({ urgentLowSoon: { enabled: true } }, { only: true }),
      points: every5(0, [100, 95, 90, 85, 80, 75]),
    })
    expect(soon.events[0]).toMatchObject({ rate: -1, predicted: 55, threshold: 55, value: 75 })
    const rising = runTrace({
      config: configWith({ risingFast: { enabled: true } }, { only: true }),
      points: every5(0, [100, 115, 130]),
    })
    expect(rising.events[0]).toMatchObject({ rate: 3, value: 130 })
  })
})
