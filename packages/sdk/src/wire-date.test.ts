import { describe, expect, it } from 'vitest'
import {
  formatLegacyShareDate,
  formatOffset,
  formatShareDate,
  formatWireDateTime,
  parseShareDate,
} from './wire-date.js'

// 2023-11-14T22:13:20Z, a whole second as uploaders send it.
const T = 1_700_000_000_000

describe('parseShareDate', () => {
  it.each([
    // Legacy (pre-2022) and upload form, as a client sees it after JSON parsing.
    ['/Date(1426295616000)/', 1_426_295_616_000, undefined],
    ['/Date(1426292016000-0700)/', 1_426_292_016_000, -420],
    // Raw WCF JSON escapes the slashes: the JS string holds the backslashes.
    ['\\/Date(1426295616000)\\/', 1_426_295_616_000, undefined],
    ['\\/Date(1426292016000-0700)\\/', 1_426_292_016_000, -420],
    // Current (2021-12 onwards) form: no slashes.
    ['Date(1638301612000)', 1_638_301_612_000, undefined],
    ['Date(1638301612000+0000)', 1_638_301_612_000, 0],
    ['Date(1745081013817-0400)', 1_745_081_013_817, -240],
    // Half-hour and quarter-hour zones, and the extremes of real zones.
    ['Date(1700000000000+0530)', T, 330],
    ['Date(1700000000000+0545)', T, 345],
    ['Date(1700000000000-0930)', T, -570],
    ['Date(1700000000000+1400)', T, 840],
    ['Date(1700000000000-1200)', T, -720],
    // Only one of the slashes, as clients that strip one side leave it.
    ['/Date(1700000000000)', T, undefined],
    ['Date(1700000000000)/', T, undefined],
    // Before the epoch, with and without a zone suffix.
    ['Date(-1000)', -1000, undefined],
    ['/Date(-86400000)/', -86_400_000, undefined],
    ['Date(-1000-0500)', -1000, -300],
    ['Date(0)', 0, undefined],
    // Leading zeros, and the largest exact epoch.
    ['/Date(0001000)/', 1000, undefined],
    ['/Date(9007199254740991)/', Number.MAX_SAFE_INTEGER, undefined],
    // Surrounding white space.
    ['  Date(1700000000000)  ', T, undefined],
    ['\t/Date(1700000000000+0100)/\n', T, 60],
  ])('parses %j to epoch %d and offset %j minutes', (wire, epochMs, offsetMinutes) => {
    expect(parseShareDate(wire)).toStrictEqual({ epochMs, offsetMinutes })
  })

  it.each([
    '',
    'garbage',
    'Date()',
    'Date(12a)',
    'Date(a12)',
    'Date(1.5)',
    'Date(1700000000000+9999)',
    'Date(1700000000000+1500)',
    'Date(1700000000000-0060)',
    'Date(1700000000000+100)',
    'Date(1700000000000+01000)',
    'Date(1700000000000 +0100)',
    'Date(1700000000000)Z',
    'Date 1700000000000',
    '1700000000000',
    '2023-11-14T22:13:20Z',
    '//Date(1700000000000)//',
    'xDate(1700000000000)',
    'Date(99999999999999999999)',
    '/Date(9007199254740993)/',
    '/Date()/',
    '/Date(12))/',
    'Date(12)x',
    'Date(+12)',
  ])('rejects the malformed date %j', (wire) => {
    expect(parseShareDate(wire)).toBeUndefined()
  })

  it.each([
    ['a number', T],
    ['null', null],
    ['undefined', undefined],
    ['an object', { DateTime: '/Date(1700000000000)/', OffsetMinutes: 0 }],
    ['a Date', new Date(T)],
    ['an array', ['Date(1700000000000)']],
  ])('rejects %s, which is not a string', (_label, value) => {
    expect(parseShareDate(value)).toBeUndefined()
  })
})

describe('formatOffset', () => {
  it.each([
    [0, '+0000'],
    [60, '+0100'],
    [-60, '-0100'],
    [-30, '-0030'],
    [330, '+0530'],
    [345, '+0545'],
    [-240, '-0400'],
    [-570, '-0930'],
    [840, '+1400'],
    [-720, '-1200'],
  ])('formats %d minutes as %s', (minutes, suffix) => {
    expect(formatOffset(minutes)).toBe(suffix)
  })
})

describe('formatShareDate', () => {
  it.each([
    [T, undefined, 'Date(1700000000000)'],
    [T, 0, 'Date(1700000000000+0000)'],
    [T, -240, 'Date(1700000000000-0400)'],
    [T, 330, 'Date(1700000000000+0530)'],
    [1_745_081_013_817, -240, 'Date(1745081013817-0400)'],
    [0, undefined, 'Date(0)'],
    [-1000, undefined, 'Date(-1000)'],
    [-1000, -300, 'Date(-1000-0500)'],
  ])('formats %d with offset %j as %s', (epochMs, offset, wire) => {
    expect(formatShareDate(epochMs, offset)).toBe(wire)
  })
})

describe('formatLegacyShareDate', () => {
  it.each([
    [T, undefined, '/Date(1700000000000)/'],
    [1_426_292_016_000, -420, '/Date(1426292016000-0700)/'],
    [T, 0, '/Date(1700000000000+0000)/'],
    [-1000, undefined, '/Date(-1000)/'],
  ])('formats %d with offset %j as %s', (epochMs, offset, wire) => {
    expect(formatLegacyShareDate(epochMs, offset)).toBe(wire)
  })
})

describe('formatWireDateTime', () => {
  it('formats an instant as the object form with a slashed date and zero offset by default', () => {
    expect(formatWireDateTime(T)).toStrictEqual({
      DateTime: '/Date(1700000000000)/',
      OffsetMinutes: 0,
    })
  })

  it('keeps the offset out of the DateTime string and puts it in OffsetMinutes', () => {
    expect(formatWireDateTime(T, -300)).toStrictEqual({
      DateTime: '/Date(1700000000000)/',
      OffsetMinutes: -300,
    })
  })

  it('serialises with the keys in wire order, DateTime then OffsetMinutes', () => {
    expect(JSON.stringify(formatWireDateTime(T, 60))).toBe(
      '{"DateTime":"/Date(1700000000000)/","OffsetMinutes":60}',
    )
  })
})

describe('round trips', () => {
  const instants = [0, -1000, T, 1_745_081_013_817, 4_102_444_800_000]
  const offsets = [undefined, 0, 60, -60, -30, 330, 345, -240, -570, 840, -720]
  const cases = instants.flatMap((epochMs) =>
    offsets.map((offsetMinutes) => ({ epochMs, offsetMinutes })),
  )

  it.each(cases)('parses back the current form of $epochMs at $offsetMinutes', (date) => {
    expect(parseShareDate(formatShareDate(date.epochMs, date.offsetMinutes))).toStrictEqual(date)
  })

  it.each(cases)('parses back the legacy form of $epochMs at $offsetMinutes', (date) => {
    expect(parseShareDate(formatLegacyShareDate(date.epochMs, date.offsetMinutes))).toStrictEqual(
      date,
    )
  })

  it.each(cases)('parses back the WCF-escaped form of $epochMs at $offsetMinutes', (date) => {
    const escaped = formatLegacyShareDate(date.epochMs, date.offsetMinutes).replaceAll('/', '\\/')
    expect(parseShareDate(escaped)).toStrictEqual(date)
  })

  it('parses back the DateTime of the object form', () => {
    expect(parseShareDate(formatWireDateTime(T, 120).DateTime)).toStrictEqual({
      epochMs: T,
      offsetMinutes: undefined,
    })
  })
})
