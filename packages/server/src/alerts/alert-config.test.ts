import { describe, expect, it } from 'vitest'
import { DEFAULT_ALERTS } from '../operations/publisher/alert-settings.js'
import { alertConfigFrom } from './alert-config.js'
import { toStoredExtraAlerts } from './extra-alert-settings.js'
import { trendAt } from './glucose-trend.js'

describe('alertConfigFrom', () => {
  it('reads High from MinValue, Low and FixedLow from MaxValue, and keeps the extras off', () => {
    const config = alertConfigFrom({
      ...DEFAULT_ALERTS,
      HighAlert: { ...DEFAULT_ALERTS.HighAlert, IsEnabled: true, MinValue: 250 },
      LowAlert: { ...DEFAULT_ALERTS.LowAlert, MaxValue: 80 },
    })
    expect(config.high).toEqual({
      enabled: true,
      threshold: 250,
      alarmDelayMs: 3_600_000,
      realarmDelayMs: 7_200_000,
    })
    expect(config.low).toMatchObject({ enabled: false, threshold: 80, alarmDelayMs: 1_800_000 })
    expect(config.urgentLow).toMatchObject({
      threshold: 55,
      alarmDelayMs: 0,
      realarmDelayMs: 1_800_000,
    })
    expect(config.noData).toEqual({ enabled: false, alarmDelayMs: 3_600_000, realarmDelayMs: 0 })
    expect(config.risingFast).toMatchObject({ enabled: false, rate: 3 })
    expect(config.urgentLowSoon).toMatchObject({
      enabled: false,
      threshold: 55,
      horizonMs: 1_200_000,
    })
    expect(config.staleAfterMs).toBe(900_000)
    expect(config.trend).toEqual({ windowMs: 900_000, minReadings: 3, minSpanMs: 600_000 })
  })

  it('waits at least 15 minutes before NoData', () => {
    const config = alertConfigFrom({
      ...DEFAULT_ALERTS,
      NoDataAlert: { ...DEFAULT_ALERTS.NoDataAlert, AlarmDelayMs: 0 },
    })
    expect(config.noData.alarmDelayMs).toBe(900_000)
  })

  it('takes the extra alerts and engine options', () => {
    const extras = toStoredExtraAlerts({ RisingFastAlert: { IsEnabled: true, Rate: 2 } })
    const config = alertConfigFrom(DEFAULT_ALERTS, extras, {
      staleAfterMs: 600_000,
      trend: { windowMs: 1_200_000 },
    })
    expect(config.risingFast).toEqual({
      enabled: true,
      rate: 2,
      alarmDelayMs: 0,
      realarmDelayMs: 0,
    })
    expect(config.staleAfterMs).toBe(600_000)
    expect(config.trend).toEqual({ windowMs: 1_200_000, minReadings: 3, minSpanMs: 600_000 })
  })
})

describe('trendAt', () => {
  const trend = { windowMs: 900_000, minReadings: 3, minSpanMs: 600_000 }
  const points = (pairs: [number, number][]) =>
    pairs.map(([minute, value]) => ({ systemTime: minute * 60_000, value })).reverse()

  it('fits a least-squares line through the last 15 minutes', () => {
    const fit = trendAt(
      points([
        [0, 999],
        [5, 115],
        [10, 130],
        [15, 145],
        [20, 150],
      ]),
      0,
      trend,
    )
    expect(fit).toEqual({ slope: 2.4, count: 4, spanMs: 900_000 })
  })

  it('anchors at any reading', () => {
    const fit = trendAt(
      points([
        [0, 100],
        [5, 115],
        [10, 130],
        [15, 0],
      ]),
      1,
      trend,
    )
    expect(fit).toEqual({ slope: 3, count: 3, spanMs: 600_000 })
  })

  it('needs three readings spanning ten minutes', () => {
    expect(
      trendAt(
        points([
          [0, 100],
          [10, 130],
        ]),
        0,
        trend,
      ),
    ).toBeUndefined()
    expect(
      trendAt(
        points([
          [2, 100],
          [5, 115],
          [10, 130],
        ]),
        0,
        trend,
      ),
    ).toBeUndefined()
    expect(trendAt([], 0, trend)).toBeUndefined()
  })
})
