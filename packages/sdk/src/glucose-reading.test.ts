import { describe, expect, it } from 'vitest'
import { GlucoseReading, parseGlucoseReading } from './glucose-reading.js'
import { MMOL_CONVERSIONS, toMmolL } from './glucose-units.js'
import { isServerError, type ShareError } from './errors.js'

const MS = 1745081013817

// The 2025 shape recorded by pydexcom's cassettes (spec 3.2), keys in wire order.
const CURRENT = {
  WT: `Date(${MS})`,
  ST: `Date(${MS})`,
  DT: `Date(${MS}-0400)`,
  Value: 224,
  Trend: 'Flat',
}

function thrown(fn: () => unknown): ShareError {
  try {
    fn()
  } catch (error) {
    return error as ShareError
  }
  throw new Error('expected a throw')
}

describe('parseGlucoseReading', () => {
  it('reads the current wire form: date, zone, value and trend', () => {
    const reading = parseGlucoseReading(CURRENT)
    expect(reading).toBeInstanceOf(GlucoseReading)
    expect(reading.date).toEqual(new Date(MS))
    expect(reading.utcOffsetMinutes).toBe(-240)
    expect(reading.mgDl).toBe(224)
    expect(reading.mmolL).toBe(12.4)
    expect(reading.trend).toBe(4)
    expect(reading.trendDirection).toBe('Flat')
    expect(reading.nightscoutDirection).toBe('Flat')
    expect(reading.trendArrow).toBe('→')
    expect(reading.trendDescription).toBe('steady')
    expect(reading.isBelowRange).toBe(false)
    expect(reading.isAboveRange).toBe(false)
    expect(reading.raw).toEqual(CURRENT)
  })

  it.each([
    ['current, no slashes', `Date(${MS})`, `Date(${MS}+0000)`, 0],
    ['current with a positive zone', `Date(${MS})`, `Date(${MS}+0530)`, 330],
    ['legacy slashes', `/Date(${MS})/`, `/Date(${MS}-0700)/`, -420],
    ['legacy WCF-escaped slashes', `\\/Date(${MS})\\/`, `\\/Date(${MS}+0100)\\/`, 60],
    ['legacy without a zone on DT', `/Date(${MS})/`, `/Date(${MS})/`, undefined],
  ])('reads dates in the %s form', (_form, wt, dt, offset) => {
    const reading = parseGlucoseReading({ WT: wt, ST: wt, DT: dt, Value: 120, Trend: 4 })
    expect(reading.date.getTime()).toBe(MS)
    expect(reading.utcOffsetMinutes).toBe(offset)
  })

  it('takes the time from WT when the legacy DT number is local time', () => {
    // 2015 shape: DT is an hour before ST and carries the zone (spec 4.1).
    const reading = parseGlucoseReading({
      WT: '/Date(1426295616000)/',
      ST: '/Date(1426295616000)/',
      DT: '/Date(1426292016000-0700)/',
      Value: 150,
      Trend: 3,
    })
    expect(reading.date.getTime()).toBe(1426295616000)
    expect(reading.utcOffsetMinutes).toBe(-420)
  })

  it('falls back to ST, then DT, when WT is missing or unreadable', () => {
    expect(
      parseGlucoseReading({
        ST: `Date(${MS})`,
        DT: 'Date(1)',
        Value: 100,
        Trend: 4,
      }).date.getTime(),
    ).toBe(MS)
    expect(
      parseGlucoseReading({ WT: 'yesterday', DT: `Date(${MS}-0400)`, Value: 100, Trend: 4 }).date,
    ).toEqual(new Date(MS))
  })

  it.each([
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
  ] as const)(
    'reads trend %i from its integer, digit string, Share name and Nightscout name',
    (trend, name, direction, arrow, description) => {
      for (const form of [trend, String(trend), name, direction, name.toUpperCase()]) {
        const reading = parseGlucoseReading({ ...CURRENT, Trend: form })
        expect(reading.trend, String(form)).toBe(trend)
        expect(reading.trendDirection).toBe(name)
        expect(reading.nightscoutDirection).toBe(direction)
        expect(reading.trendArrow).toBe(arrow)
        expect(reading.trendDescription).toBe(description)
      }
    },
  )

  it("reads TooTallNate's OutOfRange as trend 9", () => {
    expect(parseGlucoseReading({ ...CURRENT, Trend: 'OutOfRange' }).trend).toBe(9)
  })

  it('reads an unknown or missing trend as no trend and keeps the original in raw', () => {
    const reading = parseGlucoseReading({ ...CURRENT, Trend: 'SidewaysMaybe' })
    expect(reading.trend).toBe(0)
    expect(reading.trendDirection).toBe('None')
    expect(reading.raw['Trend']).toBe('SidewaysMaybe')
    const { Trend: _omit, ...withoutTrend } = CURRENT
    expect(parseGlucoseReading(withoutTrend).trend).toBe(0)
  })

  it('flags the LOW (39) and HIGH (401) sentinels and still converts them', () => {
    const low = parseGlucoseReading({ ...CURRENT, Value: 39 })
    const high = parseGlucoseReading({ ...CURRENT, Value: 401 })
    expect([low.mgDl, low.isBelowRange, low.isAboveRange, low.mmolL]).toEqual([
      39,
      true,
      false,
      2.2,
    ])
    expect([high.mgDl, high.isBelowRange, high.isAboveRange, high.mmolL]).toEqual([
      401,
      false,
      true,
      22.3,
    ])
    const edge = [40, 400].map((Value) => parseGlucoseReading({ ...CURRENT, Value }))
    expect(edge.map((r) => [r.isBelowRange, r.isAboveRange])).toEqual([
      [false, false],
      [false, false],
    ])
  })

  it('tolerates a decimal or numeric-string Value, as xDrip+ reads it as a double', () => {
    expect(parseGlucoseReading({ ...CURRENT, Value: 120.0 }).mgDl).toBe(120)
    expect(parseGlucoseReading({ ...CURRENT, Value: '118' }).mgDl).toBe(118)
  })

  it('ignores keys it does not know', () => {
    const reading = parseGlucoseReading({ ...CURRENT, extraString: 'x', extraFloat: 1.5 })
    expect(reading.mgDl).toBe(224)
    expect(reading.raw['extraString']).toBe('x')
  })

  it.each([
    ['a non-object', 'Date(1)'],
    ['null', null],
    ['an array', [CURRENT]],
    ['a record without Value', { WT: CURRENT.WT }],
    ['a record with a zero Value', { ...CURRENT, Value: 0 }],
    ['a record with a text Value', { ...CURRENT, Value: 'high' }],
    ['a record without any date', { Value: 100, Trend: 'Flat' }],
    ['a record with unreadable dates', { WT: 'now', ST: '', DT: 12, Value: 100 }],
  ])('refuses %s with a ServerError coded InvalidResponse', (_what, wire) => {
    const error = thrown(() => parseGlucoseReading(wire))
    expect(isServerError(error)).toBe(true)
    expect(error.code).toBe('InvalidResponse')
    expect(error.operation).toBe('parseGlucoseReading')
  })

  it('names the operation it was given in its errors', () => {
    const error = thrown(() =>
      parseGlucoseReading({}, { operation: 'ReadPublisherLatestGlucoseValues' }),
    )
    expect(error.operation).toBe('ReadPublisherLatestGlucoseValues')
    expect(error.message).toMatch(/^ReadPublisherLatestGlucoseValues: /)
  })

  it('measures its age from a given instant or from now', () => {
    const reading = parseGlucoseReading(CURRENT)
    expect(reading.ageMs(MS + 90_000)).toBe(90_000)
    expect(reading.ageMs(new Date(MS + 5 * 60_000))).toBe(300_000)
    const before = Date.now()
    const age = reading.ageMs()
    const after = Date.now()
    expect(age).toBeGreaterThanOrEqual(before - MS)
    expect(age).toBeLessThanOrEqual(after - MS)
  })

  it('serialises to JSON with an ISO date and without the raw record', () => {
    expect(JSON.parse(JSON.stringify(parseGlucoseReading(CURRENT)))).toEqual({
      date: new Date(MS).toISOString(),
      utcOffsetMinutes: -240,
      mgDl: 224,
      mmolL: 12.4,
      trend: 4,
      trendDirection: 'Flat',
      nightscoutDirection: 'Flat',
      trendArrow: '→',
      trendDescription: 'steady',
    })
  })

  it('converts to mmol/L with the conversion it is given', () => {
    const wire = { ...CURRENT, Value: 100 }
    expect(parseGlucoseReading(wire).mmolL).toBe(5.5)
    expect(parseGlucoseReading(wire, { mmolConversion: 'pydexcom' }).mmolL).toBe(5.5)
    expect(parseGlucoseReading(wire, { mmolConversion: 'nightscout' }).mmolL).toBe(5.6)
  })
})

describe('toMmolL', () => {
  it('divides by 18.0182 and rounds to one decimal by default', () => {
    // 100 / 18.0182 = 5.54994…, so the Dexcom-style factor shows 5.5, not 5.6.
    expect(toMmolL(100)).toBe(5.5)
    expect(toMmolL(109)).toBe(6)
    expect(toMmolL(70)).toBe(3.9)
    expect(toMmolL(180)).toBe(10)
    expect(toMmolL(39)).toBe(2.2)
    expect(toMmolL(401)).toBe(22.3)
  })

  it("multiplies by pydexcom's 0.0555 and rounds the exact product, as Python's round does", () => {
    // 100 × 0.0555 is 5.54999999999999982… in binary: Python's round(…, 1) gives 5.5.
    expect(toMmolL(100, 'pydexcom')).toBe(5.5)
    expect(toMmolL(224, 'pydexcom')).toBe(12.4)
    expect(toMmolL(401, 'pydexcom')).toBe(22.3)
  })

  it("gives Nightscout's 5.6 for 100 mg/dL and 6.1 for 109 mg/dL with its 18.01559", () => {
    expect(toMmolL(100, 'nightscout')).toBe(5.6)
    expect(toMmolL(109, 'nightscout')).toBe(6.1)
  })

  it('agrees between the dexcom and pydexcom factors over the whole 39-401 range', () => {
    for (let mgDl = 39; mgDl <= 401; mgDl += 1) {
      expect(toMmolL(mgDl, 'pydexcom'), String(mgDl)).toBe(toMmolL(mgDl, 'dexcom'))
    }
  })

  it('differs from Nightscout by 0.1 at exactly the documented values', () => {
    const differing: number[] = []
    for (let mgDl = 39; mgDl <= 401; mgDl += 1) {
      if (toMmolL(mgDl, 'nightscout') !== toMmolL(mgDl)) differing.push(mgDl)
    }
    expect(differing).toEqual([100, 109, 300, 309, 318, 327, 336, 345])
    for (const mgDl of differing) {
      expect(Math.round((toMmolL(mgDl, 'nightscout') - toMmolL(mgDl)) * 10)).toBe(1)
    }
  })

  it('offers exactly three conversions', () => {
    expect(MMOL_CONVERSIONS).toEqual(['dexcom', 'pydexcom', 'nightscout'])
  })
})
