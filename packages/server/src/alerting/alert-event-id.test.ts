import { describe, expect, it } from 'vitest'
import { alertEventId } from './alert-event-id.js'

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('alertEventId', () => {
  it('makes lower-case version 7 UUIDs that start with the time', () => {
    const at = Date.UTC(2026, 10, 23, 12)
    const id = alertEventId(at)
    expect(id).toMatch(V7)
    expect(parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(at)
  })

  it('sorts as text in the order made within one millisecond, and by time across', () => {
    const at = Date.UTC(2026, 10, 23, 12)
    const same = Array.from({ length: 1000 }, () => alertEventId(at))
    expect([...same].sort()).toEqual(same)
    expect(new Set(same).size).toBe(same.length)
    const later = alertEventId(at + 1)
    const earlier = alertEventId(at - 1)
    expect(later > same.at(-1)!).toBe(true)
    expect(earlier < same[0]!).toBe(true)
  })

  it('clamps times outside 48 bits instead of making a malformed id', () => {
    expect(alertEventId(-5)).toMatch(/^00000000-0000-7/)
    expect(alertEventId(2 ** 50)).toMatch(/^ffffffff-ffff-7/)
  })
})
