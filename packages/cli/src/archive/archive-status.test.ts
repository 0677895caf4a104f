import { PassThrough } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ArchiveEvent, FollowerStatus } from './account-follower.js'
import { ArchiveStatusReporter, statusText } from './archive-status.js'

const NOW = Date.UTC(2026, 0, 10, 8, 0, 0)
const TZ = process.env['TZ']

const following: FollowerStatus = {
  source: 'alice',
  state: 'following',
  newest: { source: 'alice', systemTime: NOW - 125_000, offsetMinutes: 60, value: 112, trend: 4 },
  nextPollAt: NOW + 195_000,
  lastError: undefined,
}

function stream(tty: boolean): PassThrough & { isTTY?: boolean; columns?: number; text(): string } {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number; text(): string }
  let text = ''
  s.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
  s.isTTY = tty
  s.columns = 80
  s.text = () => text
  return s
}

function polled(added: number, minutes = 16): ArchiveEvent {
  return { type: 'polled', source: 'alice', fetched: added, added, minutes, status: following }
}

describe('archive status', () => {
  beforeEach(() => {
    process.env['TZ'] = 'UTC'
  })
  afterEach(() => {
    if (TZ === undefined) delete process.env['TZ']
    else process.env['TZ'] = TZ
  })

  it('shows the age of the newest reading and the next poll', () => {
    expect(statusText(following, NOW)).toBe('alice 112 mg/dL → 2 min 05 s old, next poll 08:03:15')
    expect(statusText({ ...following, newest: undefined, state: 'waiting' }, NOW)).toBe(
      'alice no reading yet, next poll 08:03:15',
    )
    expect(statusText({ ...following, state: 'locked' }, NOW)).toMatch(/, locked, next poll/)
    expect(statusText({ ...following, state: 'stopped', nextPollAt: undefined }, NOW)).toMatch(
      /old, stopped$/,
    )
  })

  it('writes plain log lines when not on a terminal, failures to standard error', () => {
    const out = stream(false)
    const err = stream(false)
    const reporter = new ArchiveStatusReporter({
      out,
      err,
      quiet: false,
      now: () => NOW,
      statuses: () => [following],
    })
    reporter.start()
    reporter.event(polled(288, 1440))
    reporter.event(polled(0))
    reporter.event({
      type: 'error',
      source: 'alice',
      kind: 'network',
      message: 'cannot reach share2.dexcom.com',
      status: { ...following, state: 'retrying' },
    })
    reporter.stop()
    expect(out.text()).toBe(
      '2026-01-10 08:00:00 +00:00 alice: 288 new readings (read the last 24 hours); 112 mg/dL → 2 min 05 s old, next poll 08:03:15\n' +
        '2026-01-10 08:00:00 +00:00 alice: no new reading; 112 mg/dL → 2 min 05 s old, next poll 08:03:15\n',
    )
    expect(err.text()).toBe(
      '2026-01-10 08:00:00 +00:00 alice: cannot reach share2.dexcom.com; next try at 08:03:15\n',
    )
  })

  it('keeps one status line on a terminal and prints events above it', () => {
    const out = stream(true)
    const err = stream(false)
    const reporter = new ArchiveStatusReporter({
      out,
      err,
      quiet: false,
      now: () => NOW,
      statuses: () => [following, { ...following, source: 'bob', newest: undefined }],
    })
    reporter.start()
    reporter.event(polled(0))
    reporter.event(polled(1))
    reporter.stop()
    // Cut to the terminal's 80 columns, less one so the cursor never wraps.
    const full =
      'alice 112 mg/dL → 2 min 05 s old, next poll 08:03:15 │ bob no reading yet, next poll 08:03:15'
    const line = `${full.slice(0, 78)}…`
    expect(out.text()).toBe(
      `\r\x1b[2K${line}` +
        '\r\x1b[2K2026-01-10 08:00:00 +00:00 alice: 1 new reading; 112 mg/dL → 2 min 05 s old, next poll 08:03:15\n' +
        `\r\x1b[2K${line}\n`,
    )
  })

  it('prints only failures when quiet', () => {
    const out = stream(true)
    const err = stream(false)
    const reporter = new ArchiveStatusReporter({
      out,
      err,
      quiet: true,
      now: () => NOW,
      statuses: () => [following],
    })
    reporter.start()
    reporter.event(polled(3))
    reporter.note('stopped')
    reporter.event({
      type: 'stopped',
      source: 'alice',
      message: 'refused; stopped following alice',
    })
    reporter.stop()
    expect(out.text()).toBe('')
    expect(err.text()).toMatch(/alice: refused; stopped following alice\n$/)
  })
})
