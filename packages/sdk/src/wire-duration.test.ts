import { describe, expect, it } from 'vitest'
import { formatWireDuration, parseWireDuration } from './wire-duration.js'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

describe('parseWireDuration', () => {
  it.each([
    // ISO-8601, as xDrip+, Spike and the G7 client send alert delays (spec 4.1).
    ['PT0M', 0],
    ['PT30M', 30 * MINUTE],
    ['PT1H', HOUR],
    ['PT2H', 2 * HOUR],
    ['PT1H30M', HOUR + 30 * MINUTE],
    ['PT45S', 45 * SECOND],
    ['PT1.5S', 1500],
    ['PT0S', 0],
    ['P1D', DAY],
    ['P1DT2H', DAY + 2 * HOUR],
    ['PT1H2M3S', HOUR + 2 * MINUTE + 3 * SECOND],
    ['pt30m', 30 * MINUTE],
    [' PT30M ', 30 * MINUTE],
    // .NET TimeSpan, which the official app's newer read path splits.
    ['00:30:00', 30 * MINUTE],
    ['01:00:00', HOUR],
    ['0:05:00', 5 * MINUTE],
    ['00:00:30.5', 30_500],
    ['1.02:00:00', DAY + 2 * HOUR],
  ])('parses %j as %d ms', (wire, ms) => {
    expect(parseWireDuration(wire)).toBe(ms)
  })

  it.each([
    'PT',
    'P',
    'P1DT',
    'PTM',
    'P1H',
    '30M',
    'T30M',
    'PT-30M',
    'PT30',
    'abc',
    '',
    '   ',
    '00:30',
    '1:2:3',
    '00:30:00:00',
    '1.02:00',
  ])('rejects the malformed duration %j', (wire) => {
    expect(parseWireDuration(wire)).toBeUndefined()
  })

  it.each([
    ['a number', 1800],
    ['null', null],
    ['undefined', undefined],
    ['an object', { minutes: 30 }],
  ])('rejects %s, which is not a string', (_label, value) => {
    expect(parseWireDuration(value)).toBeUndefined()
  })
})

describe('formatWireDuration', () => {
  it.each([
    [0, 'PT0M'],
    [30 * MINUTE, 'PT30M'],
    [HOUR, 'PT1H'],
    [2 * HOUR, 'PT2H'],
    [HOUR + 30 * MINUTE, 'PT1H30M'],
    [DAY, 'PT24H'],
    [29 * SECOND, 'PT0M'],
    [90 * SECOND, 'PT2M'],
    [-5 * MINUTE, 'PT0M'],
  ])('formats %d ms as %s', (ms, wire) => {
    expect(formatWireDuration(ms)).toBe(wire)
  })

  it.each([0, 1, 15, 30, 59, 60, 61, 90, 120, 1440])(
    'round-trips %d whole minutes through the wire form',
    (minutes) => {
      expect(parseWireDuration(formatWireDuration(minutes * MINUTE))).toBe(minutes * MINUTE)
    },
  )
})
