/**
What `glucoshare archive` prints: on a terminal, one status line kept up to date (the age of
each account's newest reading and its next poll) with events printed above it; otherwise one
plain log line per poll, for journald or a log file. Failures always go to standard error.
@module
*/
import { TREND_ARROWS, type Trend } from '@glucoshare/sdk'
import { formatAge, formatLocalTime } from '../format-reading.js'
import type { ArchiveEvent, FollowerStatus } from './account-follower.js'

/** Where and how the status goes. */
export interface ArchiveStatusOptions {
  readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }
  readonly err: NodeJS.WritableStream
  /** Only failures; no status line, no per-poll lines. */
  readonly quiet: boolean
  readonly now: () => number
  readonly statuses: () => readonly FollowerStatus[]
}

/** Prints archive events and, on a terminal, the live status line. */
export class ArchiveStatusReporter {
  readonly #options: ArchiveStatusOptions
  readonly #live: boolean
  #timer: ReturnType<typeof setInterval> | undefined
  #lineShown = false

  constructor(options: ArchiveStatusOptions) {
    this.#options = options
    this.#live = !options.quiet && options.out.isTTY === true
  }

  /** Starts redrawing the status line every second (on a terminal only). */
  start(): void {
    if (!this.#live) return
    this.#draw()
    this.#timer = setInterval(() => this.#draw(), 1000)
    this.#timer.unref()
  }

  /** Stops redrawing and leaves the last status line in place. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
    if (this.#lineShown) this.#options.out.write('\n')
    this.#lineShown = false
  }

  /** Reports one follower event. */
  event(event: ArchiveEvent): void {
    const now = this.#options.now()
    if (event.type === 'polled') {
      if (this.#options.quiet || (this.#live && event.added === 0)) return
      this.#line(this.#options.out, `${event.source}: ${describePoll(event, now)}`)
    } else if (event.type === 'error') {
      if (event.kind === 'account') return // the 'stopped' event that follows says it all
      const next = event.status.nextPollAt
      const when = next !== undefined ? `; next try at ${clockTime(next)}` : ''
      this.#line(this.#options.err, `${event.source}: ${event.message}${when}`)
    } else {
      this.#line(this.#options.err, `${event.source}: ${event.message}`)
    }
  }

  /** Prints a line that is not about one account (start, stop, metrics address). */
  note(text: string): void {
    if (!this.#options.quiet) this.#line(this.#options.out, text)
  }

  #line(stream: NodeJS.WritableStream, text: string): void {
    this.#clear()
    stream.write(`${formatLocalTime(new Date(this.#options.now()))} ${text}\n`)
    if (this.#timer) this.#draw()
  }

  #clear(): void {
    if (this.#lineShown) this.#options.out.write('\r\x1b[2K')
    this.#lineShown = false
  }

  #draw(): void {
    const now = this.#options.now()
    const text = this.#options
      .statuses()
      .map((status) => statusText(status, now))
      .join(' │ ')
    const width = this.#options.out.columns ?? 120
    const shown = text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text
    this.#options.out.write(`\r\x1b[2K${shown}`)
    this.#lineShown = true
  }
}

/** `alice 112 mg/dL → 2 min 05 s old, next poll 14:05:20` */
export function statusText(status: FollowerStatus, now: number): string {
  return `${status.source} ${readingText(status, now)}, ${nextText(status)}`
}

function readingText({ newest }: FollowerStatus, now: number): string {
  if (newest === undefined) return 'no reading yet'
  const arrow = TREND_ARROWS[newest.trend as Trend] ?? ''
  const seconds = Math.floor((now - newest.systemTime) / 1000)
  const age = seconds < 0 ? 'dated in the future' : `${formatAge(seconds)} old`
  return [`${newest.value} mg/dL`, arrow, age].filter(Boolean).join(' ')
}

function nextText(status: FollowerStatus): string {
  if (status.state === 'stopped' || status.nextPollAt === undefined) return 'stopped'
  const note =
    status.state === 'locked' ? 'locked, ' : status.state === 'retrying' ? 'failing, ' : ''
  return `${note}next poll ${clockTime(status.nextPollAt)}`
}

function describePoll(event: Extract<ArchiveEvent, { type: 'polled' }>, now: number): string {
  const read = event.minutes >= 1440 ? ' (read the last 24 hours)' : ''
  const added =
    event.added === 0
      ? 'no new reading'
      : `${event.added} new reading${event.added === 1 ? '' : 's'}`
  return `${added}${read}; ${readingText(event.status, now)}, ${nextText(event.status)}`
}

/** `14:05:20`, in this computer's zone. */
function clockTime(ms: number): string {
  return formatLocalTime(new Date(ms)).slice(11, 19)
}
