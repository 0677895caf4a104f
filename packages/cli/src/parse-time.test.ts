import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseTime } from './parse-time.js'

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0)
const HOUR = 3_600_000

describe('parseTime', () => {
  let tz: string | undefined
  beforeEach(() => {
    tz = process.env['TZ']
    // Kolkata has no daylight saving time: local times are always UTC+05:30.
    process.env['TZ'] = 'Asia/Kolkata'
  })
  afterEach(() => {
    if (tz === undefined) delete process.env['TZ']
    else process.env['TZ'] = tz
  })

  it('counts relative forms back from now, with or without a minus sign', () => {
    expect(parseTime('-7d', NOW)).toBe(NOW - 7 * 24 * HOUR)
    expect(parseTime('7d', NOW)).toBe(NOW - 7 * 24 * HOUR)
    expect(parseTime('24h', NOW)).toBe(NOW - 24 * HOUR)
    expect(parseTime('30m', NOW)).toBe(NOW - 30 * 60_000)
    expect(parseTime('90min', NOW)).toBe(NOW - 90 * 60_000)
    expect(parseTime('45s', NOW)).toBe(NOW - 45_000)
    expect(parseTime('2w', NOW)).toBe(NOW - 14 * 24 * HOUR)
    expect(parseTime(' now ', NOW)).toBe(NOW)
  })

  it('reads ISO times with a zone as instants', () => {
    expect(parseTime('2026-11-23T14:05:00Z', NOW)).toBe(Date.UTC(2026, 10, 23, 14, 5))
    expect(parseTime('2026-11-23T14:05:00.250Z', NOW)).toBe(Date.UTC(2026, 10, 23, 14, 5, 0, 250))
    expect(parseTime('2026-11-23T14:05+01:00', NOW)).toBe(Date.UTC(2026, 10, 23, 13, 5))
    expect(parseTime('2026-11-23T14:05-0430', NOW)).toBe(Date.UTC(2026, 10, 23, 18, 35))
  })

  it("reads dates and times without a zone in this computer's zone", () => {
    expect(parseTime('2026-11-23', NOW)).toBe(Date.UTC(2026, 10, 22, 18, 30))
    expect(parseTime('2026-11-23 14:05', NOW)).toBe(Date.UTC(2026, 10, 23, 8, 35))
    expect(parseTime('2026-11-23T14:05:30', NOW)).toBe(Date.UTC(2026, 10, 23, 8, 35, 30))
  })

  it('reads 13-digit numbers as epoch milliseconds', () => {
    expect(parseTime('1795443900000', NOW)).toBe(1795443900000)
  })

  it.each([
    'yesterday',
    '',
    '2026',
    '2026-13-01',
    '2026-02-30',
    '2026-11-23T24:00',
    '2026-11-23T12:60',
    '2026-11-23T12:00+15:00',
    '7 days',
    '-7y',
    '12345',
  ])('refuses %j', (value) => {
    expect(parseTime(value, NOW)).toBeUndefined()
  })
})
