import { describe, expect, it } from 'vitest'
import {
  DEXCOM_TREND_NAMES,
  NIGHTSCOUT_DIRECTIONS,
  TREND_ARROWS,
  TREND_DESCRIPTIONS,
  isTrend,
  nightscoutDirection,
  parseTrend,
  trendName,
  type Trend,
} from './trend.js'

// Spec 4.3, one row per trend: integer, Share name, Nightscout direction, arrow, description.
const TABLE: readonly [Trend, string, string, string, string][] = [
  [0, 'None', 'NONE', '', ''],
  [1, 'DoubleUp', 'DoubleUp', '↑↑', 'rising quickly'],
  [2, 'SingleUp', 'SingleUp', '↑', 'rising'],
  [3, 'FortyFiveUp', 'FortyFiveUp', '↗', 'rising slightly'],
  [4, 'Flat', 'Flat', '→', 'steady'],
  [5, 'FortyFiveDown', 'FortyFiveDown', '↘', 'falling slightly'],
  [6, 'SingleDown', 'SingleDown', '↓', 'falling'],
  [7, 'DoubleDown', 'DoubleDown', '↓↓', 'falling quickly'],
  [8, 'NotComputable', 'NOT COMPUTABLE', '?', 'unable to determine trend'],
  [9, 'RateOutOfRange', 'RATE OUT OF RANGE', '-', 'trend unavailable'],
]

describe('the trend tables', () => {
  it('hold ten entries each, one per trend integer', () => {
    expect(DEXCOM_TREND_NAMES).toHaveLength(10)
    expect(NIGHTSCOUT_DIRECTIONS).toHaveLength(10)
    expect(TREND_ARROWS).toHaveLength(10)
    expect(TREND_DESCRIPTIONS).toHaveLength(10)
  })

  it('match spec 4.3 row for row', () => {
    expect(DEXCOM_TREND_NAMES).toStrictEqual(TABLE.map((row) => row[1]))
    expect(NIGHTSCOUT_DIRECTIONS).toStrictEqual(TABLE.map((row) => row[2]))
    expect(TREND_ARROWS).toStrictEqual(TABLE.map((row) => row[3]))
    expect(TREND_DESCRIPTIONS).toStrictEqual(TABLE.map((row) => row[4]))
  })
})

describe.each(TABLE)('trend %i', (trend, name, direction, arrow, description) => {
  it(`is named ${name} by Share and ${direction} by Nightscout`, () => {
    expect(trendName(trend)).toBe(name)
    expect(nightscoutDirection(trend)).toBe(direction)
    expect(TREND_ARROWS[trend]).toBe(arrow)
    expect(TREND_DESCRIPTIONS[trend]).toBe(description)
  })

  it('parses from the integer, its digit string, the Share name and the Nightscout direction', () => {
    expect(parseTrend(trend)).toBe(trend)
    expect(parseTrend(String(trend))).toBe(trend)
    expect(parseTrend(name)).toBe(trend)
    expect(parseTrend(direction)).toBe(trend)
  })

  it('survives every conversion chain back to the same integer', () => {
    expect(parseTrend(trendName(trend))).toBe(trend)
    expect(parseTrend(nightscoutDirection(trend))).toBe(trend)
    const viaShare = parseTrend(trendName(trend))
    expect(viaShare).toBeDefined()
    expect(nightscoutDirection(viaShare as Trend)).toBe(direction)
    const viaNightscout = parseTrend(nightscoutDirection(trend))
    expect(viaNightscout).toBeDefined()
    expect(trendName(viaNightscout as Trend)).toBe(name)
  })

  it('is an integer trend by isTrend', () => {
    expect(isTrend(trend)).toBe(true)
  })
})

describe('parseTrend', () => {
  it.each([
    ['flat', 4],
    [' Flat ', 4],
    ['FLAT', 4],
    ['SINGLE_DOWN', 6],
    ['single-down', 6],
    ['Single Down', 6],
    ['DOUBLE_UP', 1],
    ['double up', 1],
    ['FORTY_FIVE_UP', 3],
    ['Forty Five Down', 5],
    ['fortyfivedown', 5],
    ['not computable', 8],
    ['NOT_COMPUTABLE', 8],
    ['notcomputable', 8],
    ['RATE OUT OF RANGE', 9],
    ['rate_out_of_range', 9],
    ['RateOutOfRange', 9],
    ['OutOfRange', 9],
    ['OUT OF RANGE', 9],
    ['none', 0],
    ['NONE', 0],
    ['', 0],
    ['4', 4],
    [' 7 ', 7],
    ['0', 0],
    ['9', 9],
  ])('reads %j as %i', (value, trend) => {
    expect(parseTrend(value)).toBe(trend)
  })

  it.each([
    ['an unknown name', 'Sideways'],
    ['a half name', 'Up'],
    ['a misspelt name', 'DoubleUpp'],
    ['a two-digit string', '10'],
    ['a negative digit string', '-1'],
    ['a decimal string', '4.0'],
    ['a repeated digit', '44'],
    ['an integer above 9', 10],
    ['a negative integer', -1],
    ['a fraction', 4.5],
    ['NaN', Number.NaN],
    ['null', null],
    ['undefined', undefined],
    ['an object', { Trend: 4 }],
    ['a boolean', true],
  ])('answers undefined for %s', (_label, value) => {
    expect(parseTrend(value)).toBeUndefined()
  })
})

describe('isTrend', () => {
  it.each([10, -1, 1.5, Number.NaN, '4', null, undefined])('rejects %j', (value) => {
    expect(isTrend(value)).toBe(false)
  })
})
