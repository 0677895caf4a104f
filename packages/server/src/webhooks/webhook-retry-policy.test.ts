import { describe, expect, it } from 'vitest'
import {
  WEBHOOK_MAX_RETRY_AFTER_MS,
  WEBHOOK_RETRY_DELAYS_MS,
  nextRetryDelay,
  parseRetryAfter,
} from './webhook-retry-policy.js'

const now = Date.UTC(2026, 10, 23, 12, 0, 0)

describe('nextRetryDelay', () => {
  it('follows the schedule for eight attempts in all, then stops', () => {
    const waits = [1, 2, 3, 4, 5, 6, 7].map((n) =>
      nextRetryDelay(n, WEBHOOK_RETRY_DELAYS_MS, () => 0),
    )
    expect(waits).toEqual([10_000, 30_000, 120_000, 600_000, 3_600_000, 14_400_000, 43_200_000])
    expect(nextRetryDelay(8, WEBHOOK_RETRY_DELAYS_MS, () => 0)).toBeUndefined()
  })

  it('stretches a wait by at most 20 % and tolerates a bad random source', () => {
    expect(nextRetryDelay(1, [10_000], () => 0.999999)).toBe(12_000)
    expect(nextRetryDelay(1, [10_000], () => Number.NaN)).toBe(10_000)
    expect(nextRetryDelay(1, [10_000], () => 7)).toBe(12_000)
  })

  it('lets Retry-After lengthen a wait but never shorten it', () => {
    expect(nextRetryDelay(1, [10_000], () => 0, 60_000)).toBe(60_000)
    expect(nextRetryDelay(1, [10_000], () => 0, 1_000)).toBe(10_000)
  })
})

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, capped at one hour and never negative', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
    expect(parseRetryAfter('999999', now)).toBe(WEBHOOK_MAX_RETRY_AFTER_MS)
    expect(parseRetryAfter(new Date(now + 90_000).toUTCString(), now)).toBe(90_000)
    expect(parseRetryAfter(new Date(now - 90_000).toUTCString(), now)).toBe(0)
  })

  it.each([null, undefined, '', '-5', '1.5', 'soon', '2026-11-23'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined()
  })
})
