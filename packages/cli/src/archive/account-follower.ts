/**
Follows one Share account into the archive: one {@link AccountFollower.poll} reads what is new,
stores it, and says when to read next. The loop around it is {@link ArchiveRunner}.
@module
*/
import {
  MAX_MAX_COUNT,
  MAX_MINUTES,
  isAccountError,
  isAccountLockedError,
  isArgumentError,
  isNetworkError,
  isServerError,
  isSessionError,
  isTimeoutError,
  type GlucoseReading,
  type ShareClient,
} from '@glucoshare/sdk'
import { explainShareError } from '../open-share-client.js'
import type { ArchiveStore, ArchivedReading } from './archive-store.js'
import type { ArchiveScheduler } from './archive-scheduler.js'
import { DEFAULT_POLL_POLICY, backoffMs, type PollPolicy } from './poll-policy.js'

/** Why a poll failed, as the `kind` label of the poll error metric. */
export type PollErrorKind =
  | 'account'
  | 'locked'
  | 'session'
  | 'network'
  | 'timeout'
  | 'server'
  | 'argument'
  | 'store'
  | 'other'

/**
Where a follower stands. `following`: the next reading is expected at `nextPollAt`; `waiting`:
the expected reading is late (or there is none yet); `retrying`: the last poll failed; `locked`:
Share locked the account; `stopped`: the login was refused, and the follower will not try again.
*/
export type FollowerState = 'starting' | 'following' | 'waiting' | 'retrying' | 'locked' | 'stopped'

/** A snapshot of one follower, for the status line and the metrics. */
export interface FollowerStatus {
  readonly source: string
  readonly state: FollowerState
  /** The newest archived reading of this source. */
  readonly newest: ArchivedReading | undefined
  /** When the next poll is due (epoch ms); `undefined` once stopped. */
  readonly nextPollAt: number | undefined
  /** The last failure's message, until a poll succeeds. */
  readonly lastError: string | undefined
}

/** What a follower reports after each poll. */
export type ArchiveEvent =
  | {
      readonly type: 'polled'
      readonly source: string
      /** Readings Share answered, and how many of them were new to the archive. */
      readonly fetched: number
      readonly added: number
      /** The minutes asked for; 1440 for a full 24-hour read. */
      readonly minutes: number
      readonly status: FollowerStatus
    }
  | {
      readonly type: 'error'
      readonly source: string
      readonly kind: PollErrorKind
      readonly message: string
      readonly status: FollowerStatus
    }
  | { readonly type: 'stopped'; readonly source: string; readonly message: string }

/** What an {@link AccountFollower} needs. */
export interface AccountFollowerOptions {
  /** The archive source name its readings are stored under. */
  readonly source: string
  readonly client: Pick<ShareClient, 'getGlucoseReadings'>
  /** The server's host, for messages. */
  readonly host: string
  readonly store: ArchiveStore
  readonly scheduler: Pick<ArchiveScheduler, 'now'>
  readonly policy?: Partial<PollPolicy>
  /** Jitter source, 0 ≤ x < 1. @default Math.random */
  readonly random?: () => number
  readonly onEvent?: (event: ArchiveEvent) => void
}

const MINUTE = 60_000
const DAY = MAX_MINUTES * MINUTE

/**
One followed account. Share only answers "the newest `maxCount` readings of the last `minutes`"
(at most 1440 minutes and 288 readings), so there is no paging back in time: one read of 1440
minutes with 288 readings covers a whole day at Share's 5-minute cadence, and anything older
than 24 hours that was never fetched cannot be fetched any more. So the follower:
- reads 24 hours on its first poll (filling any gap since the archive last ran);
- then reads from its newest reading to now, when the next reading is due;
- re-reads a hole of the last 24 hours (readings the phone uploads late) every
  {@link PollPolicy.sweepEveryMs} until it fills or ages out.
*/
export class AccountFollower {
  readonly source: string
  readonly #options: AccountFollowerOptions
  readonly #policy: PollPolicy
  readonly #random: () => number
  #state: FollowerState = 'starting'
  #newest: ArchivedReading | undefined
  #nextPollAt: number | undefined
  #lastError: string | undefined
  #started = false
  #misses = 0
  #failures = 0
  #lockouts = 0
  #holeFrom: number | undefined
  #lastSweepAt = Number.NEGATIVE_INFINITY

  constructor(options: AccountFollowerOptions) {
    this.source = options.source
    this.#options = options
    this.#policy = { ...DEFAULT_POLL_POLICY, ...options.policy }
    this.#random = options.random ?? Math.random
    this.#newest = options.store.newest(options.source)
    this.#nextPollAt = options.scheduler.now()
  }

  /** Where this follower stands now. */
  get status(): FollowerStatus {
    return {
      source: this.source,
      state: this.#state,
      newest: this.#newest,
      nextPollAt: this.#nextPollAt,
      lastError: this.#lastError,
    }
  }

  /**
  Polls once, now, and schedules the next poll (see {@link status}). Failures are reported as
  events and answered with a back-off; it rejects only when `signal` aborts the read.
  */
  async poll(signal?: AbortSignal): Promise<FollowerStatus> {
    if (this.#state === 'stopped') return this.status
    const now = this.#options.scheduler.now()
    const { minutes, sweep } = this.#window(now)
    let readings: GlucoseReading[]
    let added: number
    try {
      readings = await this.#options.client.getGlucoseReadings({
        minutes,
        maxCount: MAX_MAX_COUNT,
        ...(signal ? { signal } : {}),
      })
      added = this.#options.store.insert(readings.map((reading) => this.#toArchived(reading)))
    } catch (error) {
      if (signal?.aborted) throw error
      this.#failed(error, now)
      return this.status
    }
    this.#succeeded(now, added, sweep)
    this.#emit({ type: 'polled', source: this.source, fetched: readings.length, added, minutes })
    return this.status
  }

  #window(now: number): { minutes: number; sweep: boolean } {
    if (!this.#started || this.#newest === undefined) return { minutes: MAX_MINUTES, sweep: true }
    let from = this.#newest.systemTime
    let sweep = false
    if (this.#holeFrom !== undefined && now - this.#lastSweepAt >= this.#policy.sweepEveryMs) {
      from = Math.min(from, this.#holeFrom)
      sweep = true
    }
    const minutes = Math.ceil((now - from) / MINUTE) + this.#policy.windowMarginMinutes
    return { minutes: Math.min(MAX_MINUTES, Math.max(1, minutes)), sweep }
  }

  #toArchived(reading: GlucoseReading): ArchivedReading {
    return {
      source: this.source,
      systemTime: reading.date.getTime(),
      offsetMinutes: reading.utcOffsetMinutes ?? 0,
      value: reading.mgDl,
      trend: reading.trend,
    }
  }

  #succeeded(now: number, added: number, sweep: boolean): void {
    const before = this.#newest?.systemTime
    this.#started = true
    this.#failures = 0
    this.#lockouts = 0
    this.#lastError = undefined
    if (sweep) this.#lastSweepAt = now
    if (added > 0) this.#newest = this.#options.store.newest(this.source)
    if (added > 0 || sweep) this.#holeFrom = this.#findHole(now)
    if (this.#newest !== undefined && this.#newest.systemTime !== before) this.#misses = 0
    this.#scheduleNext(now)
  }

  #scheduleNext(now: number): void {
    const p = this.#policy
    const jitter = Math.round(this.#random() * p.dueJitterMs)
    if (this.#newest === undefined) {
      this.#state = 'waiting'
      this.#nextPollAt = now + p.intervalMs + jitter
      return
    }
    const due = this.#newest.systemTime + p.dueAfterMs + jitter
    if (due > now) {
      this.#state = 'following'
      this.#misses = 0
      this.#nextPollAt = due
      return
    }
    this.#state = 'waiting'
    this.#misses += 1
    if (this.#misses <= p.retryLimit) {
      this.#nextPollAt =
        now + p.retryMinMs + Math.round(this.#random() * (p.retryMaxMs - p.retryMinMs))
      return
    }
    // Late beyond the retries: keep to the sensor's cadence, in case only some readings are lost.
    const cycles = Math.floor((now - due) / p.intervalMs) + 1
    this.#nextPollAt = due + cycles * p.intervalMs
  }

  /** The start of the oldest hole among the archived readings of the last 24 hours. */
  #findHole(now: number): number | undefined {
    let previous: number | undefined
    for (const reading of this.#options.store.range({ source: this.source, from: now - DAY })) {
      if (previous !== undefined && reading.systemTime - previous > this.#policy.holeMs) {
        return previous
      }
      previous = reading.systemTime
    }
    return undefined
  }

  #failed(error: unknown, now: number): void {
    const kind = errorKind(error)
    const explained = explainShareError(error, this.#options.host)
    const reason = explained instanceof Error ? explained.message : String(explained)
    const p = this.#policy
    if (kind === 'account') {
      this.#state = 'stopped'
      this.#nextPollAt = undefined
      this.#lastError = reason
      this.#emit({ type: 'error', source: this.source, kind, message: reason })
      this.#options.onEvent?.({
        type: 'stopped',
        source: this.source,
        message: `${reason}; stopped following ${this.source} (fix the credentials and restart)`,
      })
      return
    }
    this.#failures += 1
    let delay: number
    if (kind === 'locked') {
      this.#lockouts += 1
      this.#state = 'locked'
      // The whole step at least: retrying early while locked may extend the lock.
      const step = Math.min(p.maxLockoutBackoffMs, p.lockoutBackoffMs * 2 ** (this.#lockouts - 1))
      delay = Math.round(step * (1 + 0.2 * this.#random()))
    } else {
      this.#state = 'retrying'
      delay = backoffMs(this.#failures, p.errorBackoffMs, p.maxErrorBackoffMs, this.#random)
    }
    this.#nextPollAt = now + delay
    this.#lastError = reason
    this.#emit({ type: 'error', source: this.source, kind, message: reason })
  }

  #emit(event: DistributiveOmit<ArchiveEvent, 'status'>): void {
    this.#options.onEvent?.({ ...event, status: this.status } as ArchiveEvent)
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** The metric label of a failure. */
export function errorKind(error: unknown): PollErrorKind {
  if (isAccountLockedError(error)) return 'locked'
  if (isAccountError(error)) return 'account'
  if (isSessionError(error)) return 'session'
  if (isTimeoutError(error)) return 'timeout'
  if (isNetworkError(error)) return 'network'
  if (isServerError(error)) return 'server'
  if (isArgumentError(error)) return 'argument'
  if (error instanceof RangeError) return 'store'
  if (error instanceof Error && /^SQLITE_/.test(String((error as { code?: unknown }).code))) {
    return 'store'
  }
  return 'other'
}
