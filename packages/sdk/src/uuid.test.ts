import { describe, expect, it } from 'vitest'
import { isUuid, normalizeUuid } from './uuid.js'

const LOWER = '5c3c6f2a-0b4e-4d8a-9f1e-2a3b4c5d6e7f'

describe('isUuid and normalizeUuid', () => {
  it.each([
    ['lower case', LOWER],
    ['upper case, as Swift clients send it', LOWER.toUpperCase()],
    ['mixed case', '5C3c6F2a-0B4e-4D8a-9F1e-2A3b4C5d6E7f'],
    ['the all-zeros UUID', '00000000-0000-0000-0000-000000000000'],
  ])('accept a canonical UUID in %s and normalise it to lower case', (_label, value) => {
    expect(isUuid(value)).toBe(true)
    expect(normalizeUuid(value)).toBe(value.toLowerCase())
  })

  it('answers the same lower-case UUID for every letter case of one id', () => {
    expect(normalizeUuid(LOWER.toUpperCase())).toBe(LOWER)
    expect(normalizeUuid(LOWER)).toBe(LOWER)
  })

  it.each([
    ['braces', `{${LOWER}}`],
    ['no hyphens', LOWER.replaceAll('-', '')],
    ['a urn prefix', `urn:uuid:${LOWER}`],
    ['surrounding spaces', ` ${LOWER} `],
    ['a trailing newline', `${LOWER}\n`],
    ['quotes, as a JSON answer carries it', `"${LOWER}"`],
    ['hyphens in the wrong places', '5c3c6f2a0-b4e-4d8a-9f1e-2a3b4c5d6e7f'],
    ['a non-hex letter', '5c3c6f2a-0b4e-4d8a-9f1e-2a3b4c5d6e7g'],
    ['a missing digit', '5c3c6f2a-0b4e-4d8a-9f1e-2a3b4c5d6e7'],
    ['an extra digit', `${LOWER}0`],
    ['underscores', LOWER.replaceAll('-', '_')],
    ['the empty string', ''],
  ])('reject a string with %s', (_label, value) => {
    expect(isUuid(value)).toBe(false)
    expect(normalizeUuid(value)).toBeUndefined()
  })

  it.each([
    ['a number', 123],
    ['null', null],
    ['undefined', undefined],
    ['an object', { id: LOWER }],
    ['an array', [LOWER]],
  ])('reject %s, which is not a string', (_label, value) => {
    expect(isUuid(value)).toBe(false)
    expect(normalizeUuid(value)).toBeUndefined()
  })
})
