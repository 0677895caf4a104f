/**
When `glucoshare archive` asks Share for readings. Every duration is in milliseconds.
@module
*/

/** The archive's timing; see {@link DEFAULT_POLL_POLICY} for the values and why. */
export interface PollPolicy {
  /** Share's reading cadence: one reading every 5 minutes. */
  readonly intervalMs: number
  /** How long after the newest reading the next one is expected to be on Share. */
  readonly dueAfterMs: number
  /** Up to this much random delay is added to each due time, so followers do not poll in step. */
  readonly dueJitterMs: number
  /** While a due reading has not arrived, retry after a random wait in this range… */
  readonly retryMinMs: number
  readonly retryMaxMs: number
  /** …this many times, then poll once per cadence until readings come back. */
  readonly retryLimit: number
  /** First wait after a failed poll; it doubles with each failure in a row, with jitter… */
  readonly errorBackoffMs: number
  /** …up to this. */
  readonly maxErrorBackoffMs: number
  /** First wait after Share reports the account locked; doubles while it stays locked… */
  readonly lockoutBackoffMs: number
  /** …up to this. */
  readonly maxLockoutBackoffMs: number
  /** Two archived readings further apart than this leave a hole worth re-reading. */
  readonly holeMs: number
  /** A hole in the last 24 hours is re-read at most this often (readings backfilled late). */
  readonly sweepEveryMs: number
  /** Minutes added to each read window, for clock differences with the server. */
  readonly windowMarginMinutes: number
}

const SECOND = 1000
const MINUTE = 60 * SECOND

/**
The defaults. A reading is expected 5 min 20 s after the last (the Dexcom app uploads a few
seconds to a minute after the sensor reading), plus up to 20 s of jitter. A late reading is
retried every 30-60 s up to 5 times (about 4 minutes), then polled once per cadence. Errors back
off from 30 s, doubling to 15 min; a lockout waits 20 min, doubling to 2 h, because every login
attempt while locked may extend the lock.
*/
export const DEFAULT_POLL_POLICY: PollPolicy = Object.freeze({
  intervalMs: 5 * MINUTE,
  dueAfterMs: 5 * MINUTE + 20 * SECOND,
  dueJitterMs: 20 * SECOND,
  retryMinMs: 30 * SECOND,
  retryMaxMs: 60 * SECOND,
  retryLimit: 5,
  errorBackoffMs: 30 * SECOND,
  maxErrorBackoffMs: 15 * MINUTE,
  lockoutBackoffMs: 20 * MINUTE,
  maxLockoutBackoffMs: 2 * 60 * MINUTE,
  holeMs: 7 * MINUTE + 30 * SECOND,
  sweepEveryMs: 30 * MINUTE,
  windowMarginMinutes: 10,
})

/**
Exponential back-off with "equal jitter": half the step is fixed, half random, so a failing
server is not hit by every follower at the same moment.
*/
export function backoffMs(
  failures: number,
  baseMs: number,
  maxMs: number,
  random: () => number,
): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(failures - 1, 30)))
  return Math.round(step / 2 + (step / 2) * random())
}
