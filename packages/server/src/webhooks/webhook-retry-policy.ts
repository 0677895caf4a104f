/**
When a failed webhook delivery is tried again.
@module
*/

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/**
Wait after the 1st, 2nd, … failed attempt. Seven waits make eight attempts over about 17 hours
(up to about 21 with jitter): quick retries ride out a receiver restart, the long ones a
day-long outage. Alerts older than that are of little use, so the delivery is then given up.
*/
export const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = Object.freeze([
  10 * SECOND,
  30 * SECOND,
  2 * MINUTE,
  10 * MINUTE,
  1 * HOUR,
  4 * HOUR,
  12 * HOUR,
])

/** Each wait is stretched by a random 0–20 %, so receivers that failed together are not retried together. */
export const WEBHOOK_RETRY_JITTER = 0.2

/** The longest `Retry-After` honoured; a receiver cannot park alerts for longer. @default 1 hour */
export const WEBHOOK_MAX_RETRY_AFTER_MS = HOUR

/**
The wait before the next attempt, or `undefined` when `attemptsMade` used up the schedule.
A `Retry-After` (already capped by {@link parseRetryAfter}) can lengthen the wait, never shorten it.
*/
export function nextRetryDelay(
  attemptsMade: number,
  delaysMs: readonly number[],
  random: () => number,
  retryAfterMs?: number,
): number | undefined {
  const base = delaysMs[attemptsMade - 1]
  if (base === undefined) return undefined
  const jittered = Math.round(base * (1 + WEBHOOK_RETRY_JITTER * clampUnit(random())))
  return Math.max(jittered, retryAfterMs ?? 0)
}

/**
Milliseconds a `Retry-After` header asks to wait (delay-seconds or an HTTP-date, RFC 9110
§10.2.3), capped at {@link WEBHOOK_MAX_RETRY_AFTER_MS}; `undefined` when absent or unreadable.
@param now Epoch ms, to resolve an HTTP-date.
*/
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value == null) return undefined
  const text = value.trim()
  let ms: number
  if (/^\d+$/.test(text)) {
    ms = Number(text) * SECOND
  } else {
    const date = Date.parse(text)
    if (Number.isNaN(date) || !/[a-z]/i.test(text)) return undefined
    ms = date - now
  }
  return Math.min(Math.max(ms, 0), WEBHOOK_MAX_RETRY_AFTER_MS)
}

function clampUnit(value: number): number {
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0
}
